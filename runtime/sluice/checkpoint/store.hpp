#pragma once

// The checkpoint directory of a run (docs/ARCHITECTURE.md §10):
//
//   DIR/chk-<id>/<node>.<instance>.part   one instance's part: its operator
//                                         state and the records it had in
//                                         flight (node_part.hpp)
//   DIR/chk-<id>/_metadata.json           written last: the checkpoint is
//                                         complete when this file exists
//   DIR/finished.json                     the run ended normally after the
//                                         last checkpoint: nothing to resume
//   DIR/spool/<node>.<instance>/          a source's write-ahead spool of
//                                         messages it acknowledged that no
//                                         checkpoint covers yet (§12)
//
// Every file is written atomically: to a temporary name, fsync'd, renamed,
// and the directory fsync'd. The last `keep` complete checkpoints stay; older
// ones, and incomplete ones older than the newest complete one, are removed.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace sluice::checkpoint {

/// A checkpoint directory or file that cannot be read or written; the
/// message names the path.
class store_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// One node's share of a checkpoint.
struct node_state {
  std::string id;
  std::string kind;
  std::size_t parallelism = 1;
  std::vector<std::uint64_t> instance_bytes; ///< size of each instance's part
};

/// What _metadata.json says of a complete checkpoint.
struct checkpoint_info {
  std::uint64_t id = 0;
  std::int64_t taken_ms = 0;    ///< wall clock (ms since the epoch) at the trigger
  std::int64_t duration_ms = 0; ///< trigger to complete
  bool savepoint = false;       ///< taken to stop the run (SIGTERM)
  std::vector<node_state> nodes;
  /// The pipeline document the run was started from, as JSON: what an
  /// edited pipeline is compared with on resume.
  nlohmann::json pipeline;

  std::uint64_t bytes() const;
  const node_state* find_node(const std::string& id) const;
  nlohmann::json to_json() const;
  /// Throws store_error naming what is wrong.
  static checkpoint_info from_json(const nlohmann::json& j);
};

class store {
public:
  /// Complete checkpoints kept by default.
  static constexpr std::size_t default_keep = 3;

  /// Opens `dir`, creating it (and its parents) if `create`. Throws
  /// store_error if it cannot be created or is not a directory.
  explicit store(std::filesystem::path dir, bool create = true, std::size_t keep = default_keep);

  const std::filesystem::path& dir() const { return dir_; }

  // Writing (a run). Safe to call from several threads for different parts.

  /// Writes one instance's part of checkpoint `id` atomically.
  void write_part(std::uint64_t id, const std::string& node, std::size_t instance,
                  const std::string& bytes) const;
  /// The same, of the bytes `pieces` hold one after another (so a large
  /// state is written where it lies instead of being copied into one string).
  void write_part(std::uint64_t id, const std::string& node, std::size_t instance,
                  const std::vector<std::string_view>& pieces) const;
  /// Marks checkpoint `info.id` complete (all parts are written), then
  /// removes what retention no longer keeps.
  void complete(const checkpoint_info& info) const;
  /// Records that the run ended normally at `ended_ms` after its last
  /// checkpoint (so a restart would replay output already committed).
  void mark_finished(std::int64_t ended_ms, std::uint64_t last_checkpoint) const;
  /// Forgets a finished run: a fresh start clears the marker.
  void clear_finished() const;
  /// Forgets what sources spooled (a start with --fresh): throws store_error
  /// naming the folder if it cannot be removed.
  void clear_spools() const;

  // Reading.

  /// Complete checkpoints, oldest first. A damaged _metadata.json is an
  /// error naming the file.
  std::vector<checkpoint_info> list() const;
  /// The newest complete checkpoint, if any.
  std::optional<checkpoint_info> latest() const;
  /// Checkpoint `id`; throws store_error if it is absent or incomplete.
  checkpoint_info load(std::uint64_t id) const;
  /// One instance's part; throws store_error if it is missing.
  std::string read_part(std::uint64_t id, const std::string& node, std::size_t instance) const;
  /// One past the highest id in the directory, complete or not, so a new
  /// run never reuses an id.
  std::uint64_t next_id() const;
  /// The finished marker: when the run ended, and its last checkpoint.
  std::optional<std::pair<std::int64_t, std::uint64_t>> finished() const;

  std::filesystem::path checkpoint_dir(std::uint64_t id) const;

private:
  void retain(std::uint64_t newest_complete) const;

  std::filesystem::path dir_;
  std::size_t keep_;
};

/// Writes `bytes` to `path` atomically: temporary file, fsync, rename,
/// fsync of the directory. Throws store_error naming the path.
void write_file_atomically(const std::filesystem::path& path, const std::string& bytes);
/// The same, of the bytes `pieces` hold one after another.
void write_file_atomically(const std::filesystem::path& path,
                           const std::vector<std::string_view>& pieces);

/// "2026-12-07 14:11:17 UTC" for a wall-clock time in ms since the epoch.
std::string format_wall_time(std::int64_t ms);

} // namespace sluice::checkpoint
