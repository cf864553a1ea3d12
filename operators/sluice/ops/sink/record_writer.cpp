#include "sluice/ops/sink/record_writer.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "sluice/core/record_format.hpp"
#include "sluice/core/state.hpp"

namespace sluice::ops::sink {

record_format parse_record_format(const std::string& name) {
  return name == "csv" ? record_format::csv : record_format::jsonl;
}

prop format_property() {
  return prop("format", core::param_type::choice,
              "jsonl: one JSON object per line; csv: header line, then RFC 4180 rows")
    .def("jsonl")
    .choices({"jsonl", "csv"});
}

record_writer::record_writer(record_format format, core::schema_ptr schema, std::string target)
  : format_(format), schema_(std::move(schema)), target_(std::move(target)) {}

void record_writer::open(std::FILE* f) {
  file_ = f;
  buffer_.reserve(buffer_size + 64 * 1024);
  drained_ = 0;
  file_records_ = 0;
  header_done_ = false;
  if (format_ == record_format::csv && schema_) write_header(*schema_);
}

void record_writer::snapshot(core::state_writer& w) const {
  w.boolean(header_done_);
  w.u64(records_);
  w.u64(file_records_);
  w.u64(drained_);
  w.str(buffer_);
}

void record_writer::restore(core::state_reader& r) {
  header_done_ = r.boolean();
  records_ = static_cast<std::size_t>(r.u64());
  file_records_ = static_cast<std::size_t>(r.u64());
  drained_ = r.u64();
  buffer_ = r.str();
}

void record_writer::resume(std::FILE* f) {
  file_ = f;
  buffer_.reserve(buffer_size + 64 * 1024);
}

void record_writer::write_header(const core::schema& s) {
  core::append_csv_header(s, buffer_);
  header_done_ = true;
}

void record_writer::write(const core::batch& b) { write(b, 0, 0); }

std::size_t record_writer::write(const core::batch& b, std::size_t begin, std::uint64_t limit) {
  if (!file_) throw std::logic_error("record_writer::write before open for " + target_);
  const std::size_t rows = b.rows();
  if (begin >= rows) return rows;
  std::size_t r = begin;
  if (format_ == record_format::csv) {
    if (!header_done_) write_header(b.fields());
    while (r < rows) {
      core::append_csv_record(b, r++, buffer_);
      if (buffer_.size() >= buffer_size) drain();
      if (limit && file_bytes() >= limit) break;
    }
  } else {
    while (r < rows) {
      core::append_json_record(b, r++, buffer_);
      buffer_.push_back('\n');
      if (buffer_.size() >= buffer_size) drain();
      if (limit && file_bytes() >= limit) break;
    }
  }
  records_ += r - begin;
  file_records_ += r - begin;
  return r;
}

void record_writer::drain() {
  if (buffer_.empty() || !file_) return;
  std::size_t n = std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
  if (n != buffer_.size())
    throw std::runtime_error("cannot write to " + target_ + ": " + std::strerror(errno));
  drained_ += n;
  buffer_.clear();
}

void record_writer::flush() {
  drain();
  if (file_ && std::fflush(file_) != 0)
    throw std::runtime_error("cannot write to " + target_ + ": " + std::strerror(errno));
}

} // namespace sluice::ops::sink
