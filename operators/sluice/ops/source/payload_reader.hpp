#pragma once

// Records that arrive one message at a time (a Kafka message, an MQTT
// payload, an HTTP line), read into rows of a fixed schema with the same
// readers source.file uses, so a field means the same in every source.

#include <memory>
#include <string>
#include <string_view>

#include "sluice/core/batch.hpp"
#include "sluice/ops/source/record_reader.hpp"

namespace sluice::ops::source {

/// The `format` of a message source: json (one JSON object per message,
/// fields by name), csv (one RFC 4180 record per message, fields in the
/// schema's order, no header), raw (the payload as one string field).
enum class payload_format { json, csv, raw };

/// "json", "csv" or "raw" (already checked by params) to the enum.
payload_format parse_payload_format(const std::string& name);

/// The payload schema of `format`: `schema` for json and csv; for raw, one
/// string field `value` (a given schema must be exactly that).
core::schema_ptr payload_schema(payload_format format, core::schema_ptr schema);

class payload_reader {
public:
  payload_reader(payload_format format, core::schema_ptr schema);
  ~payload_reader();

  /// Appends `payload` as one row to the first schema().size() columns of
  /// `out`. False (nothing appended) if it does not parse; `reason` then
  /// names the field and the problem.
  bool read(std::string_view payload, core::batch_builder& out, std::string& reason);

  const core::schema_ptr& schema() const { return schema_; }

private:
  payload_format format_;
  core::schema_ptr schema_;
  std::unique_ptr<record_reader> reader_;
  std::string padded_; ///< the payload followed by the parser's padding
};

} // namespace sluice::ops::source
