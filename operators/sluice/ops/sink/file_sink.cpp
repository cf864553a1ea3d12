#include "sluice/ops/sink/file_sink.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "sluice/core/params.hpp"
#include "sluice/ops/sink/record_writer.hpp"

namespace sluice::ops {

namespace {

class file_sink final : public core::operator_base {
public:
  file_sink(std::string path, record_format format, core::schema_ptr input)
    : path_(std::move(path)), writer_(format, std::move(input), "'" + path_ + "'") {}

  ~file_sink() override {
    if (file_) std::fclose(file_); // close() was not called: best effort, no throw
  }

  std::vector<core::schema_ptr> output_schemas() const override { return {}; }

  void open() override {
    namespace fs = std::filesystem;
    fs::path p(path_);
    if (p.has_parent_path()) {
      std::error_code ec;
      fs::create_directories(p.parent_path(), ec);
      if (ec)
        throw std::runtime_error("cannot create the folder of '" + path_ + "': " + ec.message());
    }
    file_ = std::fopen(path_.c_str(), "wb");
    if (!file_)
      throw std::runtime_error("cannot open '" + path_ + "' for writing: " + std::strerror(errno));
    writer_.open(file_);
  }

  void on_batch(std::size_t, const core::batch_ptr& b, core::emitter&) override {
    writer_.write(*b);
  }

  void on_end_of_stream(core::emitter&) override {
    if (file_) writer_.flush();
  }

  void close() override {
    if (!file_) return;
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

private:
  const std::string path_;
  record_writer writer_;
  std::FILE* file_ = nullptr;
};

} // namespace

core::descriptor file_sink_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "sink.file";
  d.category = "sink";
  d.blocking_io = true;
  d.summary = "Writes records to a file as JSON lines or CSV";
  d.inputs = {{"in", "records to write, any schema"}};
  d.properties = {
    prop("path", param_type::path,
         "file to write; parent folders are created, an existing file is replaced")
      .required(),
    format_property(),
  };
  d.create = [](const core::params& p, const core::operator_context& ctx) -> core::operator_ptr {
    core::schema_ptr input = ctx.inputs.empty() ? nullptr : ctx.inputs[0];
    auto path = p.string("path");
    if (path.empty()) throw core::param_error("path", "must not be empty");
    return std::make_unique<file_sink>(path, parse_record_format(p.string("format")), input);
  };
  return d;
}

} // namespace sluice::ops
