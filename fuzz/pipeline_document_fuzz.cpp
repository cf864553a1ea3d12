// Fuzz target: a pipeline file as `sluice validate` reads it. The input is the
// file's text: core::parse_json_text, pipeline_document::from_json, then
// core::pipeline::check against the built-in registry, which builds every operator
// through its factory (compiling expressions, inferring source.file schemas).
// json_text_error and document_error are expected outcomes, and problems
// `check` reports are diagnostics; anything else escaping, a crash, a
// sanitizer report, a hang, or a saved document that does not load back the
// same is a finding.
//
// The target has a scratch folder holding the head of each file of
// pipelines/data, and every path param is made to name a file in it: what
// could lead out (a leading '/' or '~', "..", glob escapes) is taken out and
// the folder put in front. Factories read the files they name, and a fuzzed
// path must not make the target read /dev/zero or walk the whole disk with a
// glob. `check` never opens an operator, so no sink writes anything.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "finding.hpp"
#include "scratch_dir.hpp"
#include "sluice/core/json_text.hpp"
#include "sluice/core/pipeline/document.hpp"
#include "sluice/core/pipeline/validator.hpp"
#include "sluice/ops/builtin.hpp"

namespace {

using namespace sluice;
using sluice::fuzz::finding;

std::string scratch;

// Copies the first lines of each data file of the examples into
// pipelines/data/ under the scratch folder.
void copy_example_data() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path to = fs::path(scratch) / "pipelines" / "data";
  fs::create_directories(to, ec);
  for (const auto& entry : fs::directory_iterator(SLUICE_FUZZ_DATA_DIR, ec)) {
    auto ext = entry.path().extension();
    if (ext != ".jsonl" && ext != ".csv") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ofstream out(to / entry.path().filename(), std::ios::binary);
    std::string line;
    for (int n = 0; n < 50 && std::getline(in, line); ++n) out << line << '\n';
  }
}

// `path` as a file of the scratch folder: without glob's backslash escapes,
// a leading '/', '~' (glob's home folder) or '[' (a bracket expression could
// match '/'), or any "..". An empty path stays empty (a param error).
std::string confined(const std::string& path) {
  std::string out;
  for (char c : path)
    if (c != '\\') out += c;
  out.erase(0, out.find_first_not_of("/~["));
  for (auto at = out.find(".."); at != std::string::npos; at = out.find("..", at))
    out.replace(at, 2, "__");
  return path.empty() ? path : scratch + "/" + out;
}

void confine_paths(core::pipeline::pipeline_document& doc, const core::registry& reg) {
  for (auto& node : doc.nodes) {
    const auto* d = reg.find(node.kind);
    if (!d || !node.params.is_object()) continue;
    for (const auto& p : d->properties) {
      if (p.type != core::param_type::path) continue;
      auto it = node.params.find(p.name);
      if (it != node.params.end() && it->is_string()) *it = confined(it->get<std::string>());
    }
  }
}

// The documented contract of checked_pipeline, where `check` found no error.
void check_result(const core::pipeline::checked_pipeline& checked) {
  const auto& doc = checked.doc;
  if (checked.nodes.size() != doc.nodes.size()) finding("checked nodes differ from the document's");
  for (std::size_t i = 0; i < checked.nodes.size(); ++i)
    if (checked.nodes[i].spec != &doc.nodes[i]) finding("a resolved node points outside its doc");
  for (const auto& d : checked.errors) (void)d.to_string();
  if (!checked.ok()) return;
  if (checked.edges.size() != doc.edges.size()) finding("checked edges differ from the document's");
  if (checked.order.size() != doc.nodes.size()) finding("the order misses nodes");
  for (const auto& n : checked.nodes)
    if (!n.desc) finding("an accepted node has no descriptor");
  for (const auto& e : checked.edges)
    if (!e.schema) finding("an accepted edge has no schema");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  scratch = fuzz::make_scratch_dir("pipeline_document_fuzz");
  copy_example_data();
  ops::builtin_registry();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json j;
  try {
    j = core::parse_json_text(text);
  } catch (const core::json_text_error&) {
    return 0;
  }
  core::pipeline::pipeline_document doc;
  try {
    doc = core::pipeline::pipeline_document::from_json(j);
  } catch (const core::pipeline::document_error&) {
    return 0;
  }

  // Saving is stable: a saved document loads back and saves the same bytes.
  const std::string saved = doc.dump();
  try {
    if (core::pipeline::pipeline_document::parse(saved).dump() != saved)
      finding("a saved document saves differently once loaded back");
  } catch (const core::pipeline::document_error& e) {
    finding(std::string("a saved document does not load back: ") + e.what());
  }

  const auto& reg = ops::builtin_registry();
  confine_paths(doc, reg);
  auto checked = core::pipeline::check(std::move(doc), reg);
  check_result(checked);
  auto copy = checked; // the copy re-points its nodes into its own doc
  check_result(copy);
  (void)checked.doc.to_json();
  (void)checked.doc.dump();
  return 0;
}
