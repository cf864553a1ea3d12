#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "sluice/core/batch.hpp"
#include "sluice/ops/descriptor_util.hpp"

namespace sluice::core {
class state_writer;
class state_reader;
} // namespace sluice::core

namespace sluice::ops::sink {

enum class record_format { jsonl, csv };

/// "jsonl" or "csv" (already checked by params) to the enum.
record_format parse_record_format(const std::string& name);

/// The `format` property shared by the text sinks.
prop format_property();

/// Writes batches as JSON lines or CSV (see core/record_format.hpp) to a
/// FILE* it does not own, through a large buffer: the shared part of
/// sink.file and sink.stdout. The CSV header comes from the schema given at
/// construction or, if that is null, from the first batch.
class record_writer {
public:
  /// `target` names the destination in error messages ("'out.jsonl'").
  record_writer(record_format format, core::schema_ptr schema, std::string target);

  /// Starts writing to `f` (the CSV header goes first). May be called again
  /// after flush() to go on in another file (rotation): byte and record
  /// counts of the file restart, and a CSV file gets its header again.
  void open(std::FILE* f);
  /// Formats every row of `b`; writes out when the buffer is full.
  /// Throws std::runtime_error naming the target if a write fails.
  void write(const core::batch& b);
  /// Formats rows of `b` from `begin` on, stopping after the first row that
  /// brings file_bytes() to `limit` or more (0 = no limit); writes at least
  /// one row if any is left. Returns the index of the first row not written.
  std::size_t write(const core::batch& b, std::size_t begin, std::uint64_t limit);
  /// Writes the buffer out and fflush()es the file.
  void flush();

  std::size_t records() const { return records_; }
  /// Records and bytes (header included, buffered or written) of the current file.
  std::size_t records_in_file() const { return file_records_; }
  std::uint64_t file_bytes() const { return drained_ + buffer_.size(); }
  /// Bytes of the current file already handed to the FILE*.
  std::uint64_t drained() const { return drained_; }

  /// The counts and the bytes not yet handed to the file. After restore(),
  /// resume() goes on in a file that holds exactly drained() bytes.
  void snapshot(core::state_writer& w) const;
  void restore(core::state_reader& r);
  /// Goes on writing to `f` with the counts unchanged: after restore(), or,
  /// for sink.file with checkpoints, in the next segment file of the same
  /// part (the "file" whose bytes and records are counted is then the part,
  /// spread over segment files; see staged_file.hpp).
  void resume(std::FILE* f);

private:
  void write_header(const core::schema& s);
  void drain();

  static constexpr std::size_t buffer_size = std::size_t{1} << 20;

  const record_format format_;
  const core::schema_ptr schema_;
  const std::string target_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  bool header_done_ = false;
  std::size_t records_ = 0;
  std::size_t file_records_ = 0;
  std::uint64_t drained_ = 0; ///< bytes of the current file already handed to fwrite
};

} // namespace sluice::ops::sink
