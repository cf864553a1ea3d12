#include "sluice/ops/sink/staged_file.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "sluice/core/state.hpp"
#include "sluice/ops/sink/durable_io.hpp"
#include "sluice/ops/sink/rotated_files.hpp"

namespace sluice::ops::sink {

namespace fs = std::filesystem;

namespace {

constexpr const char* in_progress_suffix = ".inprogress";
constexpr const char* pending_suffix = ".pending";

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Whether `rest` is "<digits><suffix>" for one of the hidden suffixes.
bool hidden_tail(std::string_view rest) {
  for (std::string_view suffix : {in_progress_suffix, pending_suffix}) {
    if (!ends_with(rest, suffix) || rest.size() == suffix.size()) continue;
    auto digits = rest.substr(0, rest.size() - suffix.size());
    if (std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return true;
  }
  return false;
}

std::uint64_t size_of(const fs::path& p) {
  std::error_code ec;
  auto size = fs::file_size(p, ec);
  if (ec) throw std::runtime_error("cannot read the size of " + quoted(p) + ": " + ec.message());
  return size;
}

} // namespace

staged_file::staged_file(std::string path)
  : path_(std::move(path)), folder_(folder_of(path_)),
    prefix_("." + path_.filename().string() + ".") {}

staged_file::~staged_file() {
  if (in_progress_) std::fclose(in_progress_);
}

fs::path staged_file::hidden(std::uint64_t seq, const char* suffix) const {
  return folder_ / (prefix_ + std::to_string(seq) + suffix);
}

std::FILE* staged_file::start() {
  remove_hidden_files();
  std::FILE* f = std::fopen(path_.c_str(), "wb");
  if (!f)
    throw std::runtime_error("cannot open " + quoted(path_)
                             + " for writing: " + std::strerror(errno));
  std::fclose(f);
  sync_directory(folder_);
  sealed_.clear();
  seq_ = 1;
  segment_start_ = 0;
  return open_in_progress();
}

std::FILE* staged_file::recover(std::uint64_t part_bytes, std::uint64_t next_rotated) {
  for (const auto& s : sealed_) commit(s);
  sealed_.clear();
  std::error_code ec;
  if (next_rotated > 0) {
    const fs::path current_part = rotated_name(path_.string(), next_rotated);
    if (fs::exists(current_part, ec)) rename_durably(current_part, path_);
    remove_rotated_from(path_.string(), next_rotated);
  }
  if (!fs::exists(path_, ec)) {
    if (part_bytes > 0)
      throw std::runtime_error("cannot resume " + quoted(path_) + ": it is gone, the checkpoint "
                               + "committed " + std::to_string(part_bytes) + " bytes to it");
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    if (!f)
      throw std::runtime_error("cannot open " + quoted(path_)
                               + " for writing: " + std::strerror(errno));
    std::fclose(f);
    sync_directory(folder_);
  } else {
    auto size = size_of(path_);
    if (size < part_bytes)
      throw std::runtime_error("cannot resume " + quoted(path_) + ": it holds "
                               + std::to_string(size) + " bytes, the checkpoint committed "
                               + std::to_string(part_bytes));
    if (size > part_bytes) truncate_durably(path_, part_bytes);
  }
  remove_hidden_files();
  return open_in_progress();
}

std::FILE* staged_file::seal(std::uint64_t part_end, std::uint64_t ends_part_as) {
  if (!in_progress_) throw std::logic_error("sink.file: seal without a file in progress");
  auto from = hidden(seq_, in_progress_suffix);
  sync_file(in_progress_, from);
  close_in_progress();
  rename_durably(from, hidden(seq_, pending_suffix));
  sealed_.push_back({seq_, 0, segment_start_, part_end - segment_start_, ends_part_as});
  ++seq_;
  segment_start_ = ends_part_as ? 0 : part_end;
  return open_in_progress();
}

void staged_file::assign(std::uint64_t id) {
  for (auto& s : sealed_)
    if (s.checkpoint == 0) s.checkpoint = id;
}

void staged_file::commit_up_to(std::uint64_t id) {
  std::size_t done = 0;
  for (; done < sealed_.size(); ++done) {
    const auto& s = sealed_[done];
    if (s.checkpoint == 0 || s.checkpoint > id) break;
    commit(s);
  }
  sealed_.erase(sealed_.begin(), sealed_.begin() + static_cast<std::ptrdiff_t>(done));
}

void staged_file::finish(std::uint64_t part_end) {
  if (in_progress_ && part_end > segment_start_) seal(part_end);
  close();
  for (const auto& s : sealed_) commit(s);
  sealed_.clear();
  std::error_code ec;
  if (!fs::exists(path_, ec)) {
    if (std::FILE* f = std::fopen(path_.c_str(), "wb")) std::fclose(f);
    sync_directory(folder_);
  }
}

void staged_file::close() {
  if (!in_progress_) return;
  close_in_progress();
  std::error_code ec;
  fs::remove(hidden(seq_, in_progress_suffix), ec);
}

void staged_file::snapshot(core::state_writer& w) const {
  w.u64(seq_);
  w.u64(segment_start_);
  w.count(sealed_.size());
  for (const auto& s : sealed_) {
    w.u64(s.seq);
    w.u64(s.checkpoint);
    w.u64(s.offset);
    w.u64(s.length);
    w.u64(s.ends_part_as);
  }
}

void staged_file::restore(core::state_reader& r) {
  seq_ = r.u64();
  segment_start_ = r.u64();
  sealed_.resize(r.count());
  for (auto& s : sealed_) {
    s.seq = r.u64();
    s.checkpoint = r.u64();
    s.offset = r.u64();
    s.length = r.u64();
    s.ends_part_as = r.u64();
  }
}

std::FILE* staged_file::open_in_progress() {
  auto p = hidden(seq_, in_progress_suffix);
  in_progress_ = std::fopen(p.c_str(), "wb");
  if (!in_progress_)
    throw std::runtime_error("cannot open " + quoted(p) + " for writing: " + std::strerror(errno));
  return in_progress_;
}

void staged_file::close_in_progress() {
  std::FILE* f = in_progress_;
  in_progress_ = nullptr;
  if (std::fclose(f) != 0)
    throw std::runtime_error("cannot write to " + quoted(hidden(seq_, in_progress_suffix)) + ": "
                             + std::strerror(errno));
}

void staged_file::commit(const segment& s) {
  const auto pending = hidden(s.seq, pending_suffix);
  std::error_code ec;
  if (!fs::exists(pending, ec)) {
    if (ec) throw std::runtime_error("cannot look for " + quoted(pending) + ": " + ec.message());
    return; // committed before a crash
  }
  if (size_of(pending) != s.length)
    throw std::runtime_error("cannot commit " + quoted(pending) + ": it holds "
                             + std::to_string(size_of(pending)) + " bytes, "
                             + std::to_string(s.length) + " were sealed");
  const fs::path final_name =
    s.ends_part_as ? fs::path(rotated_name(path_.string(), s.ends_part_as)) : path_;
  if (s.offset == 0) { // a whole part so far: it becomes the target
    rename_durably(pending, final_name);
    return;
  }
  if (!(s.ends_part_as && !fs::exists(path_, ec) && fs::exists(final_name, ec))) {
    append(s, pending);
    if (s.ends_part_as) rename_durably(path_, final_name);
  }
  remove_durably(pending);
}

void staged_file::append(const segment& s, const fs::path& from) {
  std::FILE* in = std::fopen(from.c_str(), "rb");
  if (!in) throw std::runtime_error("cannot read " + quoted(from) + ": " + std::strerror(errno));
  std::FILE* out = std::fopen(path_.c_str(), "r+b");
  if (!out) {
    int err = errno;
    std::fclose(in);
    throw std::runtime_error("cannot commit to " + quoted(path_) + ": " + std::strerror(err)
                             + " (the checkpoint committed " + std::to_string(s.offset)
                             + " bytes to it)");
  }
  auto fail = [&](const std::string& what) {
    std::fclose(in);
    std::fclose(out);
    throw std::runtime_error(what);
  };
  auto size = size_of(path_);
  if (size < s.offset)
    fail("cannot commit to " + quoted(path_) + ": it holds " + std::to_string(size)
         + " bytes, the checkpoint committed " + std::to_string(s.offset));
  // What lies past the offset is a torn append of this segment: it goes.
  if (::ftruncate(::fileno(out), static_cast<off_t>(s.offset)) != 0
      || ::fseeko(out, static_cast<off_t>(s.offset), SEEK_SET) != 0)
    fail("cannot cut " + quoted(path_) + " back to " + std::to_string(s.offset)
         + " bytes: " + std::strerror(errno));
  std::vector<char> buffer(std::size_t{1} << 18);
  std::uint64_t copied = 0;
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), in)) {
    if (std::fwrite(buffer.data(), 1, n, out) != n)
      fail("cannot write to " + quoted(path_) + ": " + std::strerror(errno));
    copied += n;
  }
  if (std::ferror(in) || copied != s.length)
    fail("cannot read " + quoted(from) + " whole: " + std::to_string(copied) + " of "
         + std::to_string(s.length) + " bytes");
  std::fclose(in);
  try {
    sync_file(out, path_);
  } catch (...) {
    std::fclose(out);
    throw;
  }
  if (std::fclose(out) != 0)
    throw std::runtime_error("cannot write to " + quoted(path_) + ": " + std::strerror(errno));
}

void staged_file::remove_hidden_files() {
  std::vector<fs::path> doomed;
  std::error_code ec;
  for (fs::directory_iterator it(folder_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > prefix_.size() && name.compare(0, prefix_.size(), prefix_) == 0
        && hidden_tail(std::string_view(name).substr(prefix_.size())))
      doomed.push_back(it->path());
  }
  if (ec) throw std::runtime_error("cannot list " + quoted(folder_) + ": " + ec.message());
  for (const auto& p : doomed)
    if (::unlink(p.c_str()) != 0 && errno != ENOENT)
      throw std::runtime_error("cannot remove " + quoted(p) + ": " + std::strerror(errno));
  if (!doomed.empty()) sync_directory(folder_);
}

} // namespace sluice::ops::sink
