#include "sluice/ops/connect/spool.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace sluice::ops::connect {

namespace {

constexpr std::size_t head_bytes = 8;        // body length, CRC
constexpr std::uint32_t max_body = 1u << 30; // 1 GiB: anything larger is damage
constexpr std::string_view segment_suffix = ".spool";

void put32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint32_t get32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
std::uint64_t get64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::uint32_t crc_of(std::string_view body) {
  return static_cast<std::uint32_t>(
    crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
}

std::string segment_name(std::uint64_t first) {
  std::string digits = std::to_string(first);
  return std::string(20 - std::min<std::size_t>(20, digits.size()), '0') + digits
         + std::string(segment_suffix);
}

/// What reading one entry at an offset found.
enum class read_outcome { entry, end, torn, bad_length, bad_crc };

/// Reads the entry at the stream's position into `body`.
read_outcome read_entry(std::ifstream& in, std::string& body) {
  char head[head_bytes];
  in.read(head, head_bytes);
  if (in.gcount() == 0) return read_outcome::end;
  if (static_cast<std::size_t>(in.gcount()) < head_bytes) return read_outcome::torn;
  const std::uint32_t length = get32(head), crc = get32(head + 4);
  if (length < 12 || length > max_body) return read_outcome::bad_length;
  body.resize(length);
  in.read(body.data(), length);
  if (static_cast<std::uint32_t>(in.gcount()) < length) return read_outcome::torn;
  return crc_of(body) == crc ? read_outcome::entry : read_outcome::bad_crc;
}

/// Splits a checked body into its seq and fields; false if it does not add up.
bool decode(const std::string& body, spool_entry& e) {
  e.seq = get64(body.data());
  const std::uint32_t n = get32(body.data() + 8);
  std::size_t at = 12;
  e.fields.clear();
  for (std::uint32_t i = 0; i < n; ++i) {
    if (body.size() - at < 4) return false;
    const std::uint32_t len = get32(body.data() + at);
    at += 4;
    if (body.size() - at < len) return false;
    e.fields.emplace_back(body.data() + at, len);
    at += len;
  }
  return at == body.size();
}

std::string where(const std::filesystem::path& file, std::uint64_t offset) {
  return "'" + file.string() + "' at byte " + std::to_string(offset);
}

} // namespace

spool::spool(std::filesystem::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec)
    throw spool_error("cannot create the spool folder '" + dir_.string() + "': " + ec.message());
  for (const auto& item : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = item.path().filename().string();
    if (name.size() != 20 + segment_suffix.size()
        || name.compare(20, std::string::npos, segment_suffix) != 0
        || !std::all_of(name.begin(), name.begin() + 20,
                        [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    segments_.push_back({std::stoull(name.substr(0, 20)), item.path()});
  }
  if (ec)
    throw spool_error("cannot list the spool folder '" + dir_.string() + "': " + ec.message());
  std::sort(segments_.begin(), segments_.end(),
            [](const segment& a, const segment& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < segments_.size(); ++i)
    last_seq_ = std::max(last_seq_, check_segment(segments_[i], i + 1 == segments_.size()));
  found_segments_ = segments_.size();
}

spool::~spool() {
  if (fd_ >= 0) ::close(fd_);
}

// Every entry checked; the last seq in it (first - 1 if none). A torn or
// damaged entry at the very end of the newest segment is cut off: the
// process died writing it, before the message was acknowledged.
std::uint64_t spool::check_segment(const segment& s, bool last) {
  std::ifstream in(s.path, std::ios::binary);
  if (!in) throw spool_error("cannot read the spool segment '" + s.path.string() + "'");
  std::uint64_t expected = s.first, offset = 0;
  std::string body;
  spool_entry e;
  for (;;) {
    const auto outcome = read_entry(in, body);
    if (outcome == read_outcome::end) break;
    if (outcome == read_outcome::entry && decode(body, e) && e.seq == expected) {
      if (!last_found_ || e.seq > last_found_->seq) last_found_ = std::move(e);
      ++expected;
      offset += head_bytes + body.size();
      continue;
    }
    // Bad from `offset` on. Only the newest segment may end in a torn entry
    // (a prefix of a good one: its length is right whenever it is there).
    in.clear();
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::uint64_t>(in.tellg());
    const bool torn =
      outcome == read_outcome::torn
      || (outcome == read_outcome::bad_crc && offset + head_bytes + body.size() == size);
    if (!last || !torn)
      throw spool_error("the spool holds a damaged entry in " + where(s.path, offset)
                        + "; move the folder away to start without it");
    std::filesystem::resize_file(s.path, offset);
    break;
  }
  return expected - 1;
}

void spool::open_segment_locked() {
  const std::uint64_t first = last_seq_ + 1;
  const auto path = dir_ / segment_name(first);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw spool_error("cannot write the spool segment '" + path.string()
                      + "': " + std::strerror(errno));
  if (segments_.empty() || segments_.back().path != path) segments_.push_back({first, path});
}

std::uint64_t spool::append(const std::vector<std::string_view>& fields) {
  std::lock_guard lock(mutex_);
  if (fd_ < 0) open_segment_locked();
  const std::uint64_t seq = last_seq_ + 1;
  buffer_.assign(head_bytes, '\0');
  put64(buffer_, seq);
  put32(buffer_, static_cast<std::uint32_t>(fields.size()));
  for (const auto& f : fields) {
    put32(buffer_, static_cast<std::uint32_t>(f.size()));
    buffer_.append(f);
  }
  const std::string_view body(buffer_.data() + head_bytes, buffer_.size() - head_bytes);
  if (body.size() > max_body) throw spool_error("a message of more than 1 GiB cannot be spooled");
  std::string head;
  put32(head, static_cast<std::uint32_t>(body.size()));
  put32(head, crc_of(body));
  std::memcpy(buffer_.data(), head.data(), head_bytes);
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      // A partial entry would be taken for damage: cut it off again.
      if (done > 0) (void)::ftruncate(fd_, ::lseek(fd_, 0, SEEK_END) - static_cast<off_t>(done));
      throw spool_error("cannot write to the spool in '" + dir_.string() + "': " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  last_seq_ = seq;
  return seq;
}

std::optional<spool_entry> spool::replay(std::uint64_t after) {
  std::lock_guard lock(mutex_);
  std::string body;
  spool_entry e;
  while (replay_segment_ < found_segments_) {
    const auto& s = segments_[replay_segment_];
    std::ifstream in(s.path, std::ios::binary);
    if (in) in.seekg(static_cast<std::streamoff>(replay_offset_));
    if (in && read_entry(in, body) == read_outcome::entry && decode(body, e)) {
      replay_offset_ += head_bytes + body.size();
      if (e.seq > after) return e;
      continue;
    }
    ++replay_segment_;
    replay_offset_ = 0;
  }
  return std::nullopt;
}

void spool::start_after(std::uint64_t seq) {
  std::lock_guard lock(mutex_);
  last_seq_ = std::max(last_seq_, seq);
}

void spool::roll() {
  std::lock_guard lock(mutex_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void spool::seal(std::uint64_t checkpoint, std::uint64_t emitted) {
  {
    std::lock_guard lock(mutex_);
    sealed_[checkpoint] = emitted;
  }
  roll();
}

void spool::checkpoint_complete(std::uint64_t checkpoint) {
  std::uint64_t covered = 0;
  {
    std::lock_guard lock(mutex_);
    auto end = sealed_.upper_bound(checkpoint);
    if (end == sealed_.begin()) return;
    covered = std::prev(end)->second;
    sealed_.erase(sealed_.begin(), end);
  }
  release(covered);
}

void spool::release(std::uint64_t upto) {
  std::lock_guard lock(mutex_);
  std::size_t gone = 0;
  // Segment i holds [first_i, first_{i+1} - 1]; the newest is never deleted
  // (its name carries the numbering on).
  while (gone + 1 < segments_.size() && segments_[gone + 1].first - 1 <= upto) {
    std::error_code ec;
    std::filesystem::remove(segments_[gone].path, ec);
    ++gone;
  }
  if (gone == 0) return;
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(gone));
  const std::size_t found_gone = std::min(gone, found_segments_);
  found_segments_ -= found_gone;
  if (replay_segment_ >= found_gone) replay_segment_ -= found_gone;
  else {
    replay_segment_ = 0;
    replay_offset_ = 0;
  }
}

std::uint64_t spool::last_seq() const {
  std::lock_guard lock(mutex_);
  return last_seq_;
}

} // namespace sluice::ops::connect
