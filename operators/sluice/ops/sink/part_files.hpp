#pragma once

// sink.file's "parts" mode, for data lakes: the path is a template with
// event-time buckets (`out/dt={ts:%Y-%m-%d}/hour={ts:%H}/part-{instance}-{n}.jsonl`)
// and/or the files are compressed (gzip, zstd). Each file is a complete
// "part" (file_sink.cpp's descriptor picks this mode; part_files.cpp holds
// the contract).

#include <cstdint>
#include <string>

#include "sluice/core/descriptor.hpp"
#include "sluice/ops/sink/compressed_file.hpp"
#include "sluice/ops/sink/record_writer.hpp"

namespace sluice::ops::sink {

/// Whether `path` and `compression` ask for parts: a `{` in the path, or
/// compression (given, or "auto" with a .gz/.zst path).
bool wants_parts(const std::string& path, const std::string& compression);

/// `path` with `-{instance}` (when `parallelism` > 1) and `-{n}` inserted
/// before the file name's first extension when the template lacks them, so
/// that every part has a name of its own.
std::string part_path_template(const std::string& path, std::size_t parallelism);

/// Binds the parts mode of sink.file; throws param_error("path") for a
/// template naming an unknown field.
core::bound_ptr bind_part_files(const std::string& path, record_format format, compression codec,
                                std::uint64_t rotate, const core::bind_context& ctx);

} // namespace sluice::ops::sink
