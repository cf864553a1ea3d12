#include <catch2/catch.hpp>

#include "../state_round_trip.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;

namespace {

const core::schema_ptr rows_schema =
  core::make_schema({{"n", value_type::int64}, {"s", value_type::string}});

std::vector<core::batch_ptr> numbered(std::size_t batches, std::size_t rows) {
  std::vector<core::batch_ptr> out;
  std::int64_t n = 0;
  for (std::size_t b = 0; b < batches; ++b) {
    core::batch_builder builder(rows_schema);
    for (std::size_t r = 0; r < rows; ++r, ++n) {
      builder.column_at(0).append_int(n);
      builder.column_at(1).append_string("row " + std::to_string(n));
    }
    out.push_back(builder.finish());
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Writes `batches` with sink.file: uninterrupted to `whole`; to `resumed`
/// by an instance snapshot after `split` batches that then writes two more
/// (a run that fails after its snapshot) and is dropped, and a fresh
/// instance restored from the snapshot that writes the rest.
void write_both(const nlohmann::json& format, const std::vector<core::batch_ptr>& batches,
                std::size_t split, const std::string& whole, const std::string& resumed) {
  core::operator_context ctx;
  ctx.inputs = {rows_schema};
  recording_emitter out;
  nlohmann::json params = format;
  params["path"] = whole;
  auto op = make_operator("sink.file", params, ctx);
  op->open();
  for (const auto& b : batches) op->on_batch_from(0, 0, b, out);
  op->on_end_of_stream(out);
  op->close();

  params["path"] = resumed;
  auto bound = bind_operator("sink.file", params, ctx);
  std::string snapshot;
  {
    auto first = bound->create(ctx);
    first->open();
    for (std::size_t i = 0; i < split; ++i) first->on_batch_from(0, 0, batches[i], out);
    snapshot = core::snapshot_state(*first, "sink.file");
    for (std::size_t i = split; i < split + 2; ++i) first->on_batch_from(0, 0, batches[i], out);
    first->close(); // what it wrote after the snapshot must not survive
  }
  auto second = bound->create(ctx);
  core::restore_state(*second, "sink.file", snapshot);
  second->open();
  for (std::size_t i = split; i < batches.size(); ++i) second->on_batch_from(0, 0, batches[i], out);
  second->on_end_of_stream(out);
  second->close();
}

} // namespace

TEST_CASE("a file sink restored from a snapshot writes the file an uninterrupted run writes") {
  temp_dir dir;
  // 100 000 rows of 15 bytes or more pass the 1 MiB buffer: part of the
  // state is written bytes, part is buffered ones.
  auto batches = numbered(100, 1000);
  for (const char* format : {"jsonl", "csv"}) {
    auto whole = dir.file(std::string("whole.") + format);
    auto resumed = dir.file(std::string("resumed.") + format);
    write_both({{"format", format}}, batches, 70, whole, resumed);
    auto text = read_file(whole);
    CHECK(text.size() > (std::size_t{1} << 20));
    CHECK(read_file(resumed) == text);
  }
}

TEST_CASE("a file sink whose file lost bytes it had written refuses to resume") {
  temp_dir dir;
  auto batches = numbered(60, 1000);
  core::operator_context ctx;
  ctx.inputs = {rows_schema};
  recording_emitter out;
  auto bound = bind_operator("sink.file", {{"path", dir.file("out.jsonl")}}, ctx);
  auto first = bound->create(ctx);
  first->open();
  for (const auto& b : batches) first->on_batch_from(0, 0, b, out);
  auto snapshot = core::snapshot_state(*first, "sink.file");
  first->close();
  std::ofstream(dir.file("out.jsonl"), std::ios::trunc) << "x\n";
  auto second = bound->create(ctx);
  core::restore_state(*second, "sink.file", snapshot);
  CHECK_THROWS_WITH(second->open(), Catch::Contains("the snapshot wrote"));
}

TEST_CASE("sinks that cannot rewind what they wrote keep no state") {
  for (const char* kind : {"sink.stdout", "sink.null"}) {
    auto op = make_transform(kind, nlohmann::json::object(), rows_schema);
    CHECK(op->shape() == core::operator_base::shape_kind::sink);
    CHECK(op->state_version() == 0);
  }
}
