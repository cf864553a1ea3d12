// `sink.file`: writes every record to a file as JSON lines or CSV
// (file_sink.hpp: rotation, one file per parallel instance).
//
// Without checkpoints, records go straight into `path`: open() truncates
// it, and what is written becomes visible as the buffer drains. A snapshot
// holds how much of the file is the sink's and the bytes still buffered; a
// restored sink cuts the file back to that length and goes on.
//
// With checkpoints (operator_context::checkpoints), output is exactly-once
// through a two-phase commit, in the manner of Flink's FileSink
// (staged_file.hpp). Records go to a hidden in-progress file next to the
// target, never into `path` directly. prepare_checkpoint(n) flushes and
// fsyncs what was written since the last checkpoint and seals it (renamed
// to a pending file), and the state lists it; checkpoint_complete(n)
// appends every sealed segment up to n to `path`, so `path` only ever holds
// records of complete checkpoints and, at the end, exactly what a run
// without checkpoints writes. With `rotate`, a part is a whole file: a part
// that reaches the size is sealed at once, and becomes "path.N" only when
// its last segment is committed; the committed rest of the unfinished part
// is in `path`. on_end_of_stream commits everything. close() without end of
// stream (killed, failed, stopped with a savepoint) commits nothing and
// removes the in-progress file; pending files stay for the checkpoint that
// lists them.
//
// Restoring checkpoint n (restore, then open) commits every segment its
// state lists: they are all covered by n, which is complete, and a crash
// may have come before or in the middle of their commit, which is
// idempotent (staged_file.hpp). What the failed run committed after n (at
// its end of stream) is undone: rotated files numbered past n's go, and
// `path` is cut back to what n made of the current part. Every other hidden
// file (written after n) is deleted: the records after n are replayed into
// a fresh in-progress file.

#include "sluice/ops/sink/file_sink.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include <unistd.h>

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/sink/byte_size.hpp"
#include "sluice/ops/sink/part_files.hpp"
#include "sluice/ops/sink/record_writer.hpp"
#include "sluice/ops/sink/rotated_files.hpp"
#include "sluice/ops/sink/staged_file.hpp"

namespace sluice::ops::sink {

namespace fs = std::filesystem;

std::string instance_path(const std::string& path, std::size_t instance, std::size_t parallelism) {
  if (parallelism <= 1) return path;
  fs::path p(path);
  std::string stem = p.stem().string();
  std::string extension = p.extension().string();
  fs::path name = stem + "-" + std::to_string(instance) + extension;
  return (p.has_parent_path() ? p.parent_path() / name : name).string();
}

namespace {

class file_sink final : public core::sink_operator {
public:
  file_sink(std::string path, record_format format, core::schema_ptr input, std::uint64_t rotate,
            bool checkpoints)
    : path_(std::move(path)), rotate_(rotate),
      writer_(format, std::move(input), "'" + path_ + "'") {
    if (checkpoints) staged_.emplace(path_);
  }

  ~file_sink() override {
    if (file_) std::fclose(file_); // close() was not called: best effort, no throw
  }

  void open() override {
    fs::path p(path_);
    if (p.has_parent_path()) {
      std::error_code ec;
      fs::create_directories(p.parent_path(), ec);
      if (ec)
        throw std::runtime_error("cannot create the folder of '" + path_ + "': " + ec.message());
    }
    opened_ = true;
    if (staged_) {
      if (restored_) {
        writer_.resume(staged_->recover(writer_.drained(), rotate_ ? next_rotated_ : 0));
        return;
      }
      if (rotate_) next_rotated_ = highest_rotated(path_) + 1;
      writer_.open(staged_->start());
      return;
    }
    if (restored_) {
      reopen_file();
      return;
    }
    if (rotate_) next_rotated_ = highest_rotated(path_) + 1;
    open_file();
  }

  // The sink's state: whether it commits in two phases, the next rotation
  // number, the writer's counts (how much of the current file, or part, is
  // the sink's) and the formatted records not yet written, and with
  // checkpoints the sealed segments not yet committed. Without checkpoints a
  // restored sink cuts the file back to its length and goes on from there.
  std::uint32_t state_version() const override { return 2; }

  void snapshot(core::state_writer& w) const override {
    if (staged_ && !ended_ && writer_.file_bytes() != staged_->segment_start())
      throw std::logic_error("sink.file '" + path_
                             + "': with checkpoints, a snapshot must follow prepare_checkpoint");
    w.boolean(staged_.has_value());
    w.u64(next_rotated_);
    writer_.snapshot(w);
    if (staged_) staged_->snapshot(w);
  }

  void restore(core::state_reader& r) override {
    if (r.boolean() != staged_.has_value())
      throw core::state_error(std::string("sink.file: the state was written by a run ")
                              + (staged_ ? "without" : "with") + " checkpoints; this one runs "
                              + (staged_ ? "with" : "without"));
    next_rotated_ = r.u64();
    writer_.restore(r);
    if (staged_) staged_->restore(r);
    restored_ = true;
  }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter&) override {
    if (!rotate_) {
      writer_.write(*b);
      return;
    }
    std::size_t row = 0;
    while (row < b->rows()) {
      if (writer_.records_in_file() > 0 && writer_.file_bytes() >= rotate_) rotate();
      row = writer_.write(*b, row, rotate_);
    }
  }

  void prepare_checkpoint(std::uint64_t id) override {
    if (!staged_ || !opened_ || ended_) return;
    writer_.flush();
    if (writer_.drained() > staged_->segment_start())
      writer_.resume(staged_->seal(writer_.drained()));
    staged_->assign(id);
  }

  void checkpoint_complete(std::uint64_t id) override {
    if (staged_ && opened_) staged_->commit_up_to(id);
  }

  void on_end_of_stream(core::emitter&) override {
    if (staged_) {
      if (!opened_ || ended_) return;
      writer_.flush();
      staged_->finish(writer_.drained());
      ended_ = true;
      return;
    }
    if (file_) writer_.flush();
  }

  void close() override {
    if (staged_) {
      staged_->close(); // what no complete checkpoint covers is not committed
      return;
    }
    if (!file_) return;
    close_file();
  }

private:
  void open_file() {
    file_ = std::fopen(path_.c_str(), "wb");
    if (!file_)
      throw std::runtime_error("cannot open '" + path_ + "' for writing: " + std::strerror(errno));
    writer_.open(file_);
  }

  void reopen_file() {
    const std::uint64_t keep = writer_.drained();
    file_ = std::fopen(path_.c_str(), keep > 0 ? "r+b" : "wb");
    if (!file_)
      throw std::runtime_error("cannot open '" + path_ + "' to resume writing at byte "
                               + std::to_string(keep) + ": " + std::strerror(errno));
    std::error_code ec;
    auto size = fs::file_size(path_, ec);
    if (ec || size < keep) {
      std::fclose(file_);
      file_ = nullptr;
      throw std::runtime_error(
        "cannot resume '" + path_ + "': it holds "
        + (ec ? std::string("nothing readable") : std::to_string(size) + " bytes")
        + ", the snapshot wrote " + std::to_string(keep));
    }
    if (::ftruncate(::fileno(file_), static_cast<off_t>(keep)) != 0
        || std::fseek(file_, static_cast<long>(keep), SEEK_SET) != 0) {
      int err = errno;
      std::fclose(file_);
      file_ = nullptr;
      throw std::runtime_error("cannot cut '" + path_ + "' back to " + std::to_string(keep)
                               + " bytes: " + std::strerror(err));
    }
    writer_.resume(file_);
  }

  void close_file() {
    std::FILE* f = file_;
    file_ = nullptr;
    try {
      writer_.flush();
    } catch (...) {
      std::fclose(f);
      throw;
    }
    if (std::fclose(f) != 0)
      throw std::runtime_error("cannot write to '" + path_ + "': " + std::strerror(errno));
  }

  // The full file becomes "<path>.N" (N counting up); writing goes on in a
  // new one. With checkpoints, the full part is sealed now and renamed when
  // its checkpoint completes.
  void rotate() {
    if (staged_) {
      writer_.flush();
      writer_.open(staged_->seal(writer_.drained(), next_rotated_++));
      return;
    }
    close_file();
    std::string target = rotated_name(path_, next_rotated_++);
    if (std::rename(path_.c_str(), target.c_str()) != 0)
      throw std::runtime_error("cannot rename '" + path_ + "' to '" + target
                               + "': " + std::strerror(errno));
    open_file();
  }

  const std::string path_;
  const std::uint64_t rotate_; ///< bytes per file; 0 = one file
  record_writer writer_;
  std::optional<staged_file> staged_; ///< with checkpoints: the two-phase files
  std::FILE* file_ = nullptr;         ///< without checkpoints: the target
  std::uint64_t next_rotated_ = 1;
  bool restored_ = false; ///< open() resumes the file instead of starting it
  bool opened_ = false;
  bool ended_ = false; ///< with checkpoints: end of stream committed everything
};

} // namespace

core::descriptor file_sink_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "sink.file";
  d.category = "sink";
  d.blocking_io = true;
  d.summary = "Writes records to a file as JSON lines or CSV, optionally rotating it by size, "
              "or to parts named by a template with event-time buckets, gzip or zstd "
              "compressed; exactly-once with checkpoints";
  d.inputs = {{"in", "records to write, any schema"}};
  d.properties = {
    prop("path", param_type::path,
         "file to write; parent folders are created, an existing file is replaced; at "
         "parallelism N > 1 instance i writes its own file, with -i before the extension "
         "(out.jsonl: out-0.jsonl ... out-<N-1>.jsonl). A template such as "
         "\"out/dt={ts:%Y-%m-%d}/hour={ts:%H}/part-{instance}-{n}.jsonl\" writes parts: "
         "{field} is a record's field, {field:FORMAT} a timestamp field formatted by strftime "
         "(UTC), {instance} the instance, {n} the part number")
      .required()
      .shapes_state(),
    prop("compression", param_type::choice,
         "gzip or zstd compress the output, which is then written in parts (one complete "
         "file each); auto: by the path's extension (.gz, .zst)")
      .choices({"auto", "none", "gzip", "zstd"})
      .def("auto")
      .shapes_state(),
    format_property().shapes_state(),
    prop("rotate", param_type::json,
         "rotate by size: bytes (integer) or a size such as \"100MB\" or \"64KB\" (K = 1024); "
         "a file that reaches it is renamed to path.1, path.2, ... (newest highest) and a new "
         "one is started; 0 or absent = never")
      .shapes_state(),
  };
  d.bind = [](const core::params& p, const core::bind_context& ctx) -> core::bound_ptr {
    core::schema_ptr input = ctx.inputs.empty() ? nullptr : ctx.inputs[0];
    auto path = p.string("path");
    if (path.empty()) throw core::param_error("path", "must not be empty");
    std::uint64_t rotate = 0;
    if (p.has("rotate") && !p.json("rotate").is_null()) {
      auto size = parse_byte_size(p.json("rotate"));
      if (!size)
        throw core::param_error("rotate", "must be a number of bytes or a size such as \"100MB\", "
                                          "got "
                                            + p.json("rotate").dump());
      rotate = *size;
    }
    if (wants_parts(path, p.string("compression")))
      return bind_part_files(path, parse_record_format(p.string("format")),
                             parse_compression(p.string("compression"), path), rotate, ctx);
    return bound({}, [path, format = parse_record_format(p.string("format")), input,
                      rotate](const core::operator_context& c) {
      return std::make_unique<file_sink>(instance_path(path, c.instance, c.parallelism), format,
                                         input, rotate, c.checkpoints);
    });
  };
  return d;
}

} // namespace sluice::ops::sink
