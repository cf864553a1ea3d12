// `source.file`: reads JSON lines or CSV (with a header) from a file or the
// files a glob names (in sorted order), into records of a given or inferred
// schema (inferred in the factory, so the validator knows it). A record that
// cannot be read goes to the `errors` port as {file, line, text} with the
// reason ("line 17: field 'price': expected double, got string"); reading
// goes on. With `follow`, the last file is followed like `tail -F`: at end
// of file poll() returns wait(poll_interval); truncation rereads it from the
// start, rotation (the path names a new file) reads the old one out and
// reopens the path. Parallel instance i of N reads files i, i+N, ...
// Its position (state) is the file list, the file and byte offset, and that
// file's identity: device, inode and a hash of the bytes before the offset.
// Resumed in a file that is not that one any more, it refuses (a file read
// to the end) or, for the followed file (rotated or cut while the run was
// down), reads the new one from its start.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/source/csv_record_reader.hpp"
#include "sluice/ops/source/file_cursor.hpp"
#include "sluice/ops/source/jsonl_record_reader.hpp"
#include "sluice/ops/source/path_glob.hpp"
#include "sluice/ops/source/schema_inference.hpp"

namespace sluice::ops::source {

namespace {

using core::value_type;

constexpr std::size_t max_batch = 4096;
constexpr std::size_t max_record_bytes = std::size_t{16} << 20;
constexpr std::size_t max_error_text = 4096;

struct file_source_config {
  std::string pattern;
  bool csv = false;
  bool follow = false;
  std::int64_t poll_interval_ns = 100000000;
  core::schema_ptr schema;
};

/// The record shown with a read error: where it is and what it says.
const core::schema_ptr& error_context_schema() {
  static const core::schema_ptr s = core::make_schema(
    {{"file", value_type::string}, {"line", value_type::int64}, {"text", value_type::string}});
  return s;
}

class file_source final : public core::source_operator {
public:
  file_source(file_source_config cfg, const core::operator_context& ctx)
    : cfg_(std::move(cfg)), instance_(ctx.instance),
      parallelism_(std::max<std::size_t>(1, ctx.parallelism)) {
    if (cfg_.csv) reader_ = std::make_unique<csv_record_reader>(cfg_.schema);
    else reader_ = std::make_unique<jsonl_record_reader>(cfg_.schema);
  }

  void open() override { resolve(); }

  std::uint32_t state_version() const override { return 2; }

  // Which files, and how far into the current one records were consumed,
  // with that file's identity (device, inode): a resumed source checks it is
  // still the same file. The file list is kept as resolved: files a glob
  // matches later do not shift the position.
  void snapshot(core::state_writer& w) const override {
    w.boolean(resolved_);
    w.count(files_.size());
    for (const auto& f : files_) w.str(f);
    w.boolean(follow_last_);
    w.u64(current_);
    w.u64(cursor_.is_open() ? cursor_.position() : resume_at_);
    w.u64(cursor_.is_open() ? line_ : resume_line_);
    auto identity = cursor_.is_open() ? cursor_.identity() : resume_identity_;
    w.u64(identity.first);
    w.u64(identity.second);
    w.u64(cursor_.is_open() ? cursor_.fingerprint(cursor_.position()) : resume_fingerprint_);
    w.boolean(skipping_);
    w.boolean(done_);
  }

  void restore(core::state_reader& r) override {
    resolved_ = r.boolean();
    files_.resize(r.count());
    for (auto& f : files_) f = r.str();
    follow_last_ = r.boolean();
    current_ = static_cast<std::size_t>(r.u64());
    resume_at_ = r.u64();
    resume_line_ = r.u64();
    resume_identity_.first = r.u64();
    resume_identity_.second = r.u64();
    resume_fingerprint_ = r.u64();
    skipping_ = r.boolean();
    done_ = r.boolean();
  }

  core::poll_result poll(core::emitter& out, std::size_t budget) override {
    if (done_) return core::poll_result::finished();
    if (!resolved_ && !resolve()) return core::poll_result::wait(cfg_.poll_interval_ns);
    const std::size_t want = std::clamp<std::size_t>(budget, 1, max_batch);
    core::batch_builder b(cfg_.schema, want);
    bool waiting = false;
    while (!done_ && b.rows() < want) {
      if (!cursor_.is_open()) {
        if (current_ >= files_.size()) {
          done_ = true;
          break;
        }
        if (!open_current()) {
          waiting = true;
          break;
        }
      }
      // A compressed file is complete when written: read once, not followed.
      const bool follows = follow_last_ && current_ + 1 == files_.size() && !cursor_.compressed();
      if (read_records(b, want, out, !follows || draining_) == read_stop::full) break;
      if (!follows) { // this file is done
        cursor_.close();
        ++current_;
        continue;
      }
      if (draining_) { // the rotated file is read out: open the new one
        draining_ = false;
        cursor_.close();
        continue;
      }
      auto change = cursor_.check();
      if (change == file_cursor::change::truncated) {
        cursor_.rewind();
        line_ = 0;
        skipping_ = false;
        reader_->start_file();
        continue;
      }
      if (change == file_cursor::change::replaced) {
        if (cursor_.fill() == 0) draining_ = true; // else: data came in just before
        continue;
      }
      waiting = true;
      break;
    }
    if (b.rows() > 0) out.emit(0, b.finish());
    if (done_) return core::poll_result::finished();
    if (waiting) return core::poll_result::wait(cfg_.poll_interval_ns);
    return core::poll_result::more();
  }

  void close() override { cursor_.close(); }

private:
  enum class read_stop { full, eof };

  // Finds this instance's files; false while following and nothing exists yet.
  bool resolve() {
    if (resolved_) return true;
    auto all = expand_glob(cfg_.pattern);
    if (all.empty()) {
      if (!cfg_.follow) throw std::runtime_error(why_no_file(cfg_.pattern));
      if (has_glob_chars(cfg_.pattern)) return false; // look again later
      all.push_back(cfg_.pattern);                    // tail -F: wait for the file to appear
    }
    for (std::size_t i = instance_; i < all.size(); i += parallelism_) files_.push_back(all[i]);
    follow_last_ = cfg_.follow && !files_.empty() && files_.back() == all.back();
    resolved_ = true;
    return true;
  }

  // Opens files_[current_] from its start, or where a restored state left
  // it; false if a followed file is missing.
  bool open_current() {
    const std::string& path = files_[current_];
    if (cursor_.open(path)) {
      line_ = 0;
      bool skipping = skipping_;
      skipping_ = false;
      reader_->start_file();
      cursor_.skip_utf8_bom();
      if (resume_at_ > 0 && !same_file_as_before()) {
        // The followed file was rotated or cut while the run was down: all
        // it holds now is new. Any other file must be the one read before.
        if (!(follow_last_ && current_ + 1 == files_.size()))
          throw std::runtime_error(
            "cannot resume '" + path + "' at byte " + std::to_string(resume_at_)
            + ": it is not the file the checkpoint read (it was replaced or cut since); put it "
              "back, or start this node over (--reset-state)");
        resume_at_ = resume_line_ = 0;
      }
      resume_identity_ = {0, 0};
      resume_fingerprint_ = 0;
      if (resume_at_ > 0) resume(skipping);
      return true;
    }
    int err = errno;
    if (follow_last_ && current_ + 1 == files_.size() && err == ENOENT) return false;
    throw std::runtime_error("cannot open '" + path + "': " + std::strerror(err));
  }

  // The freshly opened file is the one the restored position is in: the same
  // device and inode, the same bytes before the position (when the snapshot
  // knew them), and not shorter.
  bool same_file_as_before() const {
    if (resume_identity_ != std::pair<std::uint64_t, std::uint64_t>{0, 0}
        && cursor_.identity() != resume_identity_)
      return false;
    if (!cursor_.compressed() && cursor_.size() < resume_at_) return false;
    return resume_fingerprint_ == 0 || cursor_.fingerprint(resume_at_) == resume_fingerprint_;
  }

  // Moves the freshly opened file to the restored position. A CSV file's
  // header is read first: it maps columns to fields.
  void resume(bool skipping) {
    if (cfg_.csv) {
      core::batch_builder header(cfg_.schema, 1);
      for (;;) {
        auto data = cursor_.pending();
        auto span = reader_->scan(data, false);
        if (span.what != text::record_span::status::incomplete) {
          reader_->parse(data.substr(0, span.length), header, reason_);
          break;
        }
        if (cursor_.fill() == 0) break;
      }
    }
    cursor_.seek(resume_at_);
    line_ = resume_line_;
    skipping_ = skipping;
    resume_at_ = resume_line_ = 0;
  }

  // Reads records of the open file into `b` until it holds `want` rows or the
  // data ends. `final`: no more bytes will come, so a last record without a
  // line end is complete (otherwise it waits for the rest).
  read_stop read_records(core::batch_builder& b, std::size_t want, core::emitter& out, bool final) {
    while (b.rows() < want) {
      auto data = cursor_.pending();
      if (skipping_) { // dropping the rest of an overlong record
        const void* nl = std::memchr(data.data(), '\n', data.size());
        if (nl) {
          cursor_.consume(static_cast<std::size_t>(static_cast<const char*>(nl) - data.data()) + 1);
          ++line_;
          skipping_ = false;
        } else {
          cursor_.consume(data.size());
          if (cursor_.fill() == 0) return read_stop::eof;
        }
        continue;
      }
      if (data.empty()) {
        if (cursor_.fill() == 0) return read_stop::eof;
        continue;
      }
      auto span = reader_->scan(data, false);
      if (span.what == text::record_span::status::incomplete) {
        if (data.size() >= max_record_bytes) {
          report(out, line_ + 1, data, "longer than 16 MiB; skipped up to its line end");
          skipping_ = true;
          continue;
        }
        if (cursor_.fill() > 0) continue;
        if (!final) return read_stop::eof;
        data = cursor_.pending();
        span = reader_->scan(data, true);
        if (span.what == text::record_span::status::incomplete) { // nothing left
          cursor_.consume(data.size());
          return read_stop::eof;
        }
      }
      handle(span, data, b, out);
      cursor_.consume(span.consumed);
    }
    return read_stop::full;
  }

  void handle(const text::record_span& span, std::string_view data, core::batch_builder& b,
              core::emitter& out) {
    const std::uint64_t line = line_ + 1;
    line_ += span.lines;
    auto text = data.substr(0, span.length);
    if (span.what == text::record_span::status::malformed) {
      report(out, line, text, span.reason);
      return;
    }
    if (reader_->parse(text, b, reason_) == parse_outcome::error) report(out, line, text, reason_);
  }

  // Sends a record that could not be read to the errors port.
  void report(core::emitter& out, std::uint64_t line, std::string_view text,
              const std::string& reason) {
    core::batch_builder eb(error_context_schema(), 1);
    eb.column_at(0).append_string(cursor_.path());
    eb.column_at(1).append_int(static_cast<std::int64_t>(line));
    eb.column_at(2).append_string(text.substr(0, max_error_text));
    auto context = eb.finish();
    out.error(*context, 0, "line " + std::to_string(line) + ": " + reason);
  }

  const file_source_config cfg_;
  const std::size_t instance_, parallelism_;
  std::unique_ptr<record_reader> reader_;

  // state
  bool resolved_ = false;
  std::vector<std::string> files_; ///< this instance's files, in order
  bool follow_last_ = false;       ///< the last of files_ is followed
  std::size_t current_ = 0;        ///< index into files_
  file_cursor cursor_;
  std::uint64_t line_ = 0; ///< line ends consumed in the current file
  bool skipping_ = false;  ///< dropping an overlong record up to its line end
  bool draining_ = false;  ///< reading out a followed file that was rotated away
  bool done_ = false;
  std::uint64_t resume_at_ = 0, resume_line_ = 0; ///< restored position, until reached
  std::pair<std::uint64_t, std::uint64_t> resume_identity_{0, 0}; ///< of the restored file
  std::uint64_t resume_fingerprint_ = 0; ///< of the bytes before the restored position
  std::string reason_;
};

} // namespace

core::descriptor file_source_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "source.file";
  d.category = "source";
  d.blocking_io = true;
  d.summary = "Reads JSON lines or CSV from a file or a glob, optionally following it (tail -F)";
  d.outputs = {{"out", "records of the given or inferred schema"}};
  d.properties = {
    prop("path", param_type::path,
         "file to read, or a glob pattern such as \"logs/*.jsonl\" (files read in sorted order)")
      .required()
      .shapes_state(),
    prop("format", param_type::choice,
         "jsonl: one JSON object per line; csv: a header line, then RFC 4180 records")
      .def("jsonl")
      .choices({"jsonl", "csv"})
      .shapes_state(),
    prop("schema", param_type::json,
         "field name -> int | double | bool | string | timestamp (or an array of \"name:type\" "
         "to keep an order); absent = inferred from the first 1000 records of the first file")
      .shapes_state(),
    prop("follow", param_type::boolean,
         "keep reading the last file as it grows, like tail -F (survives truncation and "
         "rotation); the source then never ends by itself")
      .def(false)
      .shapes_state(),
    prop("poll_interval", param_type::duration,
         "with follow: how long to wait at the end of the file before looking again")
      .def("100ms")
      .min(0.001),
  };
  d.bind = [](const core::params& p, const core::bind_context&) -> core::bound_ptr {
    file_source_config cfg;
    cfg.pattern = p.string("path");
    if (cfg.pattern.empty()) throw core::param_error("path", "must not be empty");
    cfg.csv = p.string("format") == "csv";
    cfg.follow = p.boolean("follow");
    cfg.poll_interval_ns = p.duration("poll_interval") * 1000;
    if (p.has("schema")) {
      cfg.schema = parse_schema_param(p.json("schema"));
    } else {
      auto files = expand_glob(cfg.pattern);
      if (files.empty())
        throw core::param_error("path", why_no_file(cfg.pattern)
                                          + ", so no schema can be inferred: create the file "
                                            "or give a 'schema'");
      cfg.schema = infer_schema_cached(files.front(), cfg.csv);
    }
    auto schema = cfg.schema;
    return bound({schema}, [cfg = std::move(cfg)](const core::operator_context& ctx) {
      return std::make_unique<file_source>(cfg, ctx);
    });
  };
  return d;
}

} // namespace sluice::ops::source
