#pragma once

// A write-ahead spool for sources whose server forgets a message once the
// source has acknowledged it (MQTT acknowledges on receipt, an HTTP client
// got its 200): docs/ARCHITECTURE.md §12, "Acknowledged before emitted".
// The source appends each message here before it acknowledges it, records in
// its checkpoint how far it has emitted, and after a crash replays what lies
// beyond that; what a complete checkpoint covers is released (deleted).
//
// On disk: a folder of segments `<first seq, 20 digits>.spool`; a new
// segment starts at each roll() (the source rolls at each checkpoint) so a
// checkpoint's release deletes whole files. An entry is
//   u32 body length | u32 CRC-32 of the body | body
//   body = u64 seq | u32 field count | (u32 length | bytes) per field
// all little-endian. Entries are written with one write(2) each, without
// fsync: they survive the process being killed, not the machine losing
// power. A torn last entry (the process died inside the write, so the
// message was never acknowledged) is cut off when the spool is opened; a
// damaged entry anywhere else is an error naming the file and offset.
//
// Thread-safety: append() may run on any thread (a network thread);
// everything else on the instance's thread. All calls are serialized by one
// mutex; append() holds it for one write(2).

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::ops::connect {

/// The spool's folder cannot be used, or holds a damaged entry.
class spool_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct spool_entry {
  std::uint64_t seq = 0; ///< from 1, rising by one per append
  std::vector<std::string> fields;
};

class spool {
public:
  /// Opens (creating it if need be) the spool in `dir`: checks every
  /// segment, cuts a torn last entry, and starts a new segment for appends.
  /// Throws spool_error naming the file.
  explicit spool(std::filesystem::path dir);
  ~spool();
  spool(const spool&) = delete;
  spool& operator=(const spool&) = delete;

  /// Writes one entry and returns its seq. The entry is in the file (the
  /// kernel's) when this returns. Throws spool_error if the write fails.
  std::uint64_t append(const std::vector<std::string_view>& fields);

  /// The next entry found at opening with seq > `after` (call with the same
  /// `after` until it returns nothing). Reads one entry at a time, so
  /// replaying a long spool takes no more memory than one message.
  std::optional<spool_entry> replay(std::uint64_t after);

  /// Appends number on from above `seq` at least: a source restored to a
  /// position past every entry left in the folder. Before the first append.
  void start_after(std::uint64_t seq);

  /// Later appends go to a new segment.
  void roll();
  /// A source's prepare_checkpoint(id): remembers that checkpoint `id`
  /// covers the entries up to `emitted`, and rolls, so that its release
  /// deletes whole files.
  void seal(std::uint64_t checkpoint, std::uint64_t emitted);
  /// A source's checkpoint_complete(id): releases what checkpoint `id` (and
  /// any older one) covers.
  void checkpoint_complete(std::uint64_t checkpoint);
  /// Deletes the segments whose every entry has seq <= `upto` (never the
  /// segment appends go to).
  void release(std::uint64_t upto);

  /// The newest entry found at opening, if any (a source numbering its
  /// messages goes on from it).
  const std::optional<spool_entry>& last_found() const { return last_found_; }

  /// The seq of the last entry appended or found; 0 if none.
  std::uint64_t last_seq() const;
  const std::filesystem::path& dir() const { return dir_; }

private:
  struct segment {
    std::uint64_t first = 0; ///< the seq its first entry has (or would have)
    std::filesystem::path path;
  };
  void open_segment_locked();
  std::uint64_t check_segment(const segment& s, bool last);

  const std::filesystem::path dir_;
  mutable std::mutex mutex_;
  std::vector<segment> segments_; ///< by first seq; the back one takes appends
  int fd_ = -1;                   ///< the back segment's
  std::uint64_t last_seq_ = 0;
  std::optional<spool_entry> last_found_;
  std::map<std::uint64_t, std::uint64_t> sealed_; ///< checkpoint id -> emitted then
  std::string buffer_;                            ///< one entry being encoded (under mutex_)
  // Replay cursor over the segments found at opening.
  std::size_t replay_segment_ = 0;
  std::uint64_t replay_offset_ = 0;
  std::size_t found_segments_ = 0;
};

} // namespace sluice::ops::connect
