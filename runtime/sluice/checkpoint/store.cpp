#include "sluice/checkpoint/store.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace sluice::checkpoint {

namespace fs = std::filesystem;

namespace {

constexpr const char* metadata_name = "_metadata.json";
constexpr const char* finished_name = "finished.json";
constexpr const char* prefix = "chk-";

std::string errno_text() { return std::strerror(errno); }

void fsync_path(const fs::path& p, bool directory) {
  int fd = ::open(p.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) throw store_error("cannot open '" + p.string() + "' to sync it: " + errno_text());
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) throw store_error("cannot sync '" + p.string() + "' to disk: " + std::strerror(err));
}

std::string read_whole(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw store_error("cannot read '" + p.string() + "': " + errno_text());
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) throw store_error("cannot read '" + p.string() + "'");
  return s.str();
}

/// The id of a "chk-<id>" directory name, or nothing.
std::optional<std::uint64_t> id_of(const std::string& name) {
  if (name.rfind(prefix, 0) != 0) return std::nullopt;
  std::uint64_t id = 0;
  const char* b = name.data() + std::strlen(prefix);
  const char* e = name.data() + name.size();
  auto r = std::from_chars(b, e, id);
  if (r.ec != std::errc{} || r.ptr != e || b == e) return std::nullopt;
  return id;
}

std::vector<std::uint64_t> ids_in(const fs::path& dir) {
  std::vector<std::uint64_t> ids;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_directory(ec)) continue;
    if (auto id = id_of(it->path().filename().string())) ids.push_back(*id);
  }
  if (ec) throw store_error("cannot list '" + dir.string() + "': " + ec.message());
  std::sort(ids.begin(), ids.end());
  return ids;
}

nlohmann::json parse_json(const fs::path& p) {
  try {
    return nlohmann::json::parse(read_whole(p));
  } catch (const nlohmann::json::exception& e) {
    throw store_error("'" + p.string() + "' is damaged: " + e.what());
  }
}

} // namespace

void write_file_atomically(const fs::path& path, const std::string& bytes) {
  write_file_atomically(path, std::vector<std::string_view>{bytes});
}

void write_file_atomically(const fs::path& path, const std::vector<std::string_view>& pieces) {
  fs::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw store_error("cannot create '" + tmp.string() + "': " + errno_text());
  for (std::string_view bytes : pieces) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int err = errno;
        ::close(fd);
        throw store_error("cannot write '" + tmp.string() + "': " + std::strerror(err));
      }
      done += static_cast<std::size_t>(n);
    }
  }
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    throw store_error("cannot sync '" + tmp.string() + "' to disk: " + std::strerror(err));
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw store_error("cannot rename '" + tmp.string() + "' to '" + path.string()
                      + "': " + errno_text());
  fsync_path(path.has_parent_path() ? path.parent_path() : fs::path("."), true);
}

std::string format_wall_time(std::int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::uint64_t checkpoint_info::bytes() const {
  std::uint64_t total = 0;
  for (const auto& n : nodes)
    for (auto b : n.instance_bytes) total += b;
  return total;
}

const node_state* checkpoint_info::find_node(const std::string& node_id) const {
  for (const auto& n : nodes)
    if (n.id == node_id) return &n;
  return nullptr;
}

nlohmann::json checkpoint_info::to_json() const {
  nlohmann::json nodes_json = nlohmann::json::array();
  for (const auto& n : nodes)
    nodes_json.push_back({{"id", n.id},
                          {"kind", n.kind},
                          {"parallelism", n.parallelism},
                          {"instance_bytes", n.instance_bytes}});
  return {{"format", 1},
          {"id", id},
          {"taken_ms", taken_ms},
          {"duration_ms", duration_ms},
          {"savepoint", savepoint},
          {"nodes", nodes_json},
          {"pipeline", pipeline}};
}

checkpoint_info checkpoint_info::from_json(const nlohmann::json& j) {
  try {
    if (!j.is_object()) throw store_error("metadata is not a JSON object");
    if (j.at("format").get<int>() != 1)
      throw store_error("metadata format " + j.at("format").dump() + " is not 1");
    checkpoint_info info;
    info.id = j.at("id").get<std::uint64_t>();
    info.taken_ms = j.at("taken_ms").get<std::int64_t>();
    info.duration_ms = j.at("duration_ms").get<std::int64_t>();
    info.savepoint = j.value("savepoint", false);
    for (const auto& n : j.at("nodes")) {
      node_state s;
      s.id = n.at("id").get<std::string>();
      s.kind = n.at("kind").get<std::string>();
      s.parallelism = n.at("parallelism").get<std::size_t>();
      s.instance_bytes = n.at("instance_bytes").get<std::vector<std::uint64_t>>();
      if (s.instance_bytes.size() != s.parallelism)
        throw store_error("node '" + s.id + "' has " + std::to_string(s.instance_bytes.size())
                          + " parts for parallelism " + std::to_string(s.parallelism));
      info.nodes.push_back(std::move(s));
    }
    info.pipeline = j.value("pipeline", nlohmann::json::object());
    return info;
  } catch (const nlohmann::json::exception& e) {
    throw store_error(std::string("metadata: ") + e.what());
  }
}

store::store(fs::path dir, bool create, std::size_t keep) : dir_(std::move(dir)), keep_(keep) {
  std::error_code ec;
  if (create) fs::create_directories(dir_, ec);
  if (ec)
    throw store_error("cannot create checkpoint directory '" + dir_.string()
                      + "': " + ec.message());
  if (!fs::is_directory(dir_, ec)) throw store_error("'" + dir_.string() + "' is not a directory");
}

fs::path store::checkpoint_dir(std::uint64_t id) const {
  char name[32];
  std::snprintf(name, sizeof name, "%s%06llu", prefix, static_cast<unsigned long long>(id));
  return dir_ / name;
}

namespace {

fs::path part_path(const fs::path& chk, const std::string& node, std::size_t instance) {
  return chk / (node + "." + std::to_string(instance) + ".part");
}

} // namespace

void store::write_part(std::uint64_t id, const std::string& node, std::size_t instance,
                       const std::string& bytes) const {
  write_part(id, node, instance, std::vector<std::string_view>{bytes});
}

void store::write_part(std::uint64_t id, const std::string& node, std::size_t instance,
                       const std::vector<std::string_view>& pieces) const {
  auto chk = checkpoint_dir(id);
  std::error_code ec;
  fs::create_directories(chk, ec);
  if (ec) throw store_error("cannot create '" + chk.string() + "': " + ec.message());
  write_file_atomically(part_path(chk, node, instance), pieces);
}

void store::complete(const checkpoint_info& info) const {
  write_file_atomically(checkpoint_dir(info.id) / metadata_name, info.to_json().dump(1) + "\n");
  retain(info.id);
}

void store::retain(std::uint64_t newest_complete) const {
  std::vector<std::uint64_t> complete;
  for (auto id : ids_in(dir_)) {
    std::error_code ec;
    bool done = fs::exists(checkpoint_dir(id) / metadata_name, ec);
    if (done) complete.push_back(id);
    else if (id < newest_complete) fs::remove_all(checkpoint_dir(id), ec);
  }
  for (std::size_t i = 0; i + keep_ < complete.size(); ++i) {
    std::error_code ec;
    fs::remove_all(checkpoint_dir(complete[i]), ec);
  }
}

void store::mark_finished(std::int64_t ended_ms, std::uint64_t last_checkpoint) const {
  nlohmann::json j{{"ended_ms", ended_ms}, {"last_checkpoint", last_checkpoint}};
  write_file_atomically(dir_ / finished_name, j.dump() + "\n");
}

void store::clear_finished() const {
  std::error_code ec;
  fs::remove(dir_ / finished_name, ec);
}

void store::clear_spools() const {
  std::error_code ec;
  fs::remove_all(dir_ / "spool", ec);
  if (ec) throw store_error("cannot remove '" + (dir_ / "spool").string() + "': " + ec.message());
}

std::optional<std::pair<std::int64_t, std::uint64_t>> store::finished() const {
  std::error_code ec;
  if (!fs::exists(dir_ / finished_name, ec)) return std::nullopt;
  auto j = parse_json(dir_ / finished_name);
  try {
    return std::make_pair(j.at("ended_ms").get<std::int64_t>(),
                          j.at("last_checkpoint").get<std::uint64_t>());
  } catch (const nlohmann::json::exception& e) {
    throw store_error("'" + (dir_ / finished_name).string() + "' is damaged: " + e.what());
  }
}

std::vector<checkpoint_info> store::list() const {
  std::vector<checkpoint_info> out;
  for (auto id : ids_in(dir_)) {
    auto meta = checkpoint_dir(id) / metadata_name;
    std::error_code ec;
    if (!fs::exists(meta, ec)) continue;
    try {
      out.push_back(checkpoint_info::from_json(parse_json(meta)));
    } catch (const store_error& e) {
      throw store_error("'" + meta.string() + "': " + e.what());
    }
  }
  return out;
}

std::optional<checkpoint_info> store::latest() const {
  auto all = list();
  if (all.empty()) return std::nullopt;
  return all.back();
}

checkpoint_info store::load(std::uint64_t id) const {
  auto meta = checkpoint_dir(id) / metadata_name;
  std::error_code ec;
  if (!fs::exists(meta, ec)) {
    bool any = fs::exists(checkpoint_dir(id), ec);
    throw store_error("checkpoint " + std::to_string(id) + " in '" + dir_.string() + "' "
                      + (any ? "is incomplete" : "does not exist"));
  }
  try {
    return checkpoint_info::from_json(parse_json(meta));
  } catch (const store_error& e) {
    throw store_error("'" + meta.string() + "': " + e.what());
  }
}

std::string store::read_part(std::uint64_t id, const std::string& node,
                             std::size_t instance) const {
  auto p = part_path(checkpoint_dir(id), node, instance);
  std::error_code ec;
  if (!fs::exists(p, ec)) throw store_error("checkpoint part '" + p.string() + "' is missing");
  return read_whole(p);
}

std::uint64_t store::next_id() const {
  auto ids = ids_in(dir_);
  std::uint64_t next = ids.empty() ? 1 : ids.back() + 1;
  if (auto f = finished()) next = std::max(next, f->second + 1);
  return next;
}

} // namespace sluice::checkpoint
