#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace sluice::core {
class state_writer;
class state_reader;
} // namespace sluice::core

namespace sluice::ops::sink {

/// The two-phase side of sink.file when the run takes checkpoints: records
/// never go into the target directly, but into hidden files next to it,
/// and only what a complete checkpoint covers reaches the target.
///
///   .<name>.<seq>.inprogress   the segment being written (one at a time)
///   .<name>.<seq>.pending      a sealed segment: synced, not yet visible
///
/// A segment is the bytes of one part (the target `path`, or with rotation
/// a file that becomes "<path>.N" when full) written between two seal
/// points: a checkpoint (prepare_checkpoint), or the rotation that ends its
/// part. Each sealed segment remembers where it starts in its part, its
/// length, the checkpoint that covers it (0 until the next one is prepared)
/// and, if it is the last of its part, the N its part is renamed to.
///
/// Committing a segment makes it visible, and is idempotent, so a commit
/// a crash interrupted is simply done again from the restored state:
///   - its pending file is gone: it was committed (the pending file is
///     removed only once the target is synced);
///   - it starts its part (offset 0): it is renamed into place, to `path`,
///     or to "<path>.N" if it is also the last of its part;
///   - it ends part N, and "<path>.N" exists while `path` does not: it was
///     appended and renamed before the crash;
///   - else `path` is cut back to the segment's offset (a torn append goes),
///     the segment appended and `path` synced, then renamed to "<path>.N"
///     if the segment ends part N.
/// Then its pending file is removed. Every rename and removal is followed by
/// a sync of the folder. Segments are committed in the order they were
/// written, so the target only ever holds committed bytes, in order.
///
/// Not thread-safe; used from the sink's callbacks only. Errors throw
/// std::runtime_error naming the file.
class staged_file {
public:
  explicit staged_file(std::string path);
  /// Closes the in-progress file without removing it (as a crash would).
  ~staged_file();
  staged_file(const staged_file&) = delete;
  staged_file& operator=(const staged_file&) = delete;

  /// A fresh run: removes the hidden files an earlier run of this target
  /// left, replaces the target by an empty file (an existing one is
  /// replaced, as without checkpoints) and opens the first in-progress file.
  std::FILE* start();
  /// A run restored from a complete checkpoint (after restore()): commits
  /// every sealed segment the state lists, and undoes what the failed run
  /// committed after the checkpoint (at end of stream): with rotation
  /// (`next_rotated` > 0, the N the checkpoint's current part was to get),
  /// if that part was rotated since, it comes back to `path` and every
  /// "<path>.N" numbered from `next_rotated` on goes; then `path` is cut
  /// back to `part_bytes`, what the checkpoint made of the current part.
  /// Removes every other hidden file of the target (what the failed run
  /// wrote after the checkpoint) and opens an in-progress file. Throws if
  /// the target holds fewer bytes than the checkpoint committed. Every step
  /// can be done again after a crash in the middle of it.
  std::FILE* recover(std::uint64_t part_bytes, std::uint64_t next_rotated);

  /// Seals the in-progress segment, which ends at byte `part_end` of its
  /// part (the caller has flushed everything into it): syncs it, renames it
  /// pending, and opens the next in-progress file, which is returned. With
  /// `ends_part_as` > 0 the segment is the last of its part, which becomes
  /// "<path>.<ends_part_as>" when committed, and the next segment starts a
  /// new part.
  std::FILE* seal(std::uint64_t part_end, std::uint64_t ends_part_as = 0);
  /// Where the in-progress segment starts in its part.
  std::uint64_t segment_start() const { return segment_start_; }
  /// Checkpoint `id` covers every segment sealed since the previous one.
  void assign(std::uint64_t id);
  /// Makes visible every sealed segment that checkpoint `id` (or an
  /// earlier one) covers.
  void commit_up_to(std::uint64_t id);
  /// End of stream: seals the in-progress segment if it holds anything
  /// (`part_end` as for seal), commits every sealed segment, and leaves no
  /// in-progress file.
  void finish(std::uint64_t part_end);
  /// Closes and removes the in-progress file. Commits nothing.
  void close();

  /// The sealed segments and where the in-progress one starts.
  void snapshot(core::state_writer& w) const;
  void restore(core::state_reader& r);

private:
  struct segment {
    std::uint64_t seq = 0;
    std::uint64_t checkpoint = 0; ///< 0: sealed, no checkpoint covers it yet
    std::uint64_t offset = 0;     ///< where it starts in its part
    std::uint64_t length = 0;
    std::uint64_t ends_part_as = 0; ///< N of "<path>.N" if it ends its part, else 0
  };

  std::filesystem::path hidden(std::uint64_t seq, const char* suffix) const;
  std::FILE* open_in_progress();
  void commit(const segment& s);
  void append(const segment& s, const std::filesystem::path& from);
  void remove_hidden_files();
  void close_in_progress();

  const std::filesystem::path path_;
  const std::filesystem::path folder_;
  const std::string prefix_; ///< ".<name>."
  std::vector<segment> sealed_;
  std::uint64_t seq_ = 1; ///< the in-progress segment's
  std::uint64_t segment_start_ = 0;
  std::FILE* in_progress_ = nullptr;
};

} // namespace sluice::ops::sink
