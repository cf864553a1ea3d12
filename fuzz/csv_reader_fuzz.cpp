// Fuzz target: CSV through source.file (file_source_run.hpp), once with the
// schema inferred from the input's header and records (schema_inference.cpp)
// and once with a fixed schema of every type, so the CSV scanner (ops/text),
// header matching and every value conversion see the same bytes. Records that
// cannot be read go to `errors`; a crash, a sanitizer report or a broken
// batch is a finding.

#include <cstddef>
#include <cstdint>
#include <string>

#include "file_source_run.hpp"
#include "scratch_dir.hpp"

namespace {
std::string input_path;
} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  input_path = sluice::fuzz::make_scratch_dir("csv_reader_fuzz") + "/input.csv";
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using sluice::fuzz::run_file_source;
  sluice::fuzz::write_input(input_path, data, size);
  run_file_source({{"path", input_path}, {"format", "csv"}}, 1024);
  // Small batches: records straddle the batch boundary.
  run_file_source(
    {{"path", input_path},
     {"format", "csv"},
     {"schema", {"id:int", "price:double", "ok:bool", "name:string", "at:timestamp"}}},
    3);
  return 0;
}
