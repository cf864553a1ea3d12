#include "sluice/ops/sink/file_sink.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <unistd.h>

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/sink/byte_size.hpp"
#include "sluice/ops/sink/record_writer.hpp"

namespace sluice::ops::sink {

namespace {

namespace fs = std::filesystem;

// The highest N of an existing "<path>.N", or 0.
std::uint64_t highest_rotated(const std::string& path) {
  fs::path p(path);
  fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  const std::string prefix = p.filename().string() + ".";
  std::uint64_t highest = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    std::uint64_t n = 0;
    const char* b = name.data() + prefix.size();
    const char* e = name.data() + name.size();
    auto r = std::from_chars(b, e, n);
    if (r.ec == std::errc{} && r.ptr == e && n > highest) highest = n;
  }
  return highest;
}

} // namespace

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
  file_sink(std::string path, record_format format, core::schema_ptr input, std::uint64_t rotate)
    : path_(std::move(path)), rotate_(rotate),
      writer_(format, std::move(input), "'" + path_ + "'") {}

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
    if (restored_) {
      reopen_file();
      return;
    }
    if (rotate_) next_rotated_ = highest_rotated(path_) + 1;
    open_file();
  }

  // The sink's state: how much of the current file is its own, and the
  // formatted records not yet written. A restored sink cuts the file back to
  // that length (dropping what a failed run wrote after the snapshot) and
  // goes on from there.
  std::uint32_t state_version() const override { return 1; }

  void snapshot(core::state_writer& w) const override {
    w.u64(next_rotated_);
    writer_.snapshot(w);
  }

  void restore(core::state_reader& r) override {
    next_rotated_ = r.u64();
    writer_.restore(r);
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

  void on_end_of_stream(core::emitter&) override {
    if (file_) writer_.flush();
  }

  void close() override {
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

  // The full file becomes "<path>.N" (N counting up); writing goes on in a new one.
  void rotate() {
    close_file();
    std::string target = path_ + "." + std::to_string(next_rotated_++);
    if (std::rename(path_.c_str(), target.c_str()) != 0)
      throw std::runtime_error("cannot rename '" + path_ + "' to '" + target
                               + "': " + std::strerror(errno));
    open_file();
  }

  const std::string path_;
  const std::uint64_t rotate_; ///< bytes per file; 0 = one file
  record_writer writer_;
  std::FILE* file_ = nullptr;
  std::uint64_t next_rotated_ = 1;
  bool restored_ = false; ///< open() resumes the file instead of starting it
};

} // namespace

core::descriptor file_sink_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "sink.file";
  d.category = "sink";
  d.blocking_io = true;
  d.summary = "Writes records to a file as JSON lines or CSV, optionally rotating it by size";
  d.inputs = {{"in", "records to write, any schema"}};
  d.properties = {
    prop("path", param_type::path,
         "file to write; parent folders are created, an existing file is replaced; at "
         "parallelism N > 1 instance i writes its own file, with -i before the extension "
         "(out.jsonl: out-0.jsonl ... out-<N-1>.jsonl)")
      .required(),
    format_property(),
    prop("rotate", param_type::json,
         "rotate by size: bytes (integer) or a size such as \"100MB\" or \"64KB\" (K = 1024); "
         "a file that reaches it is renamed to path.1, path.2, ... (newest highest) and a new "
         "one is started; 0 or absent = never"),
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
    return bound({}, [path, format = parse_record_format(p.string("format")), input,
                      rotate](const core::operator_context& c) {
      return std::make_unique<file_sink>(instance_path(path, c.instance, c.parallelism), format,
                                         input, rotate);
    });
  };
  return d;
}

} // namespace sluice::ops::sink
