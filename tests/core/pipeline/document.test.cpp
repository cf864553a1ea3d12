#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sluice/core/pipeline/document.hpp"

using sluice::core::pipeline::document_error;
using sluice::core::pipeline::endpoint;
using sluice::core::pipeline::pipeline_document;

namespace {

// A file as `dump` writes it: non-default values shown, defaults left out.
const char* const saved_text = R"({
  "schemaVersion": 1,
  "name": "clicks-per-page",
  "description": "Count page views per page",
  "nodes": [
    {
      "id": "clicks",
      "kind": "source.file",
      "params": {
        "format": "jsonl",
        "path": "data/clicks.jsonl"
      }
    },
    {
      "id": "per_page",
      "kind": "window.tumbling",
      "params": {
        "aggregates": [
          {
            "as": "views",
            "fn": "count"
          }
        ],
        "key": [
          "page"
        ],
        "size": "10s",
        "weight": 0.25
      },
      "parallelism": 4,
      "on_error": "skip"
    },
    {
      "id": "out",
      "kind": "sink.file",
      "params": {}
    }
  ],
  "edges": [
    {
      "from": "clicks",
      "to": "per_page",
      "partition": "hash:page"
    },
    {
      "from": "per_page.late",
      "to": "out",
      "capacity": 64
    }
  ],
  "layout": {
    "clicks": {
      "x": 0,
      "y": 0
    },
    "out": {
      "x": 480.5,
      "y": -12
    },
    "per_page": {
      "x": 240,
      "y": 0
    }
  }
}
)";

/// The `where` of the document_error that parsing `text` throws, or
/// "(no error)".
std::string error_place(const std::string& text) {
  try {
    pipeline_document::parse(text);
  } catch (const document_error& e) {
    return e.where();
  }
  return "(no error)";
}

std::string error_message(const std::string& text) {
  try {
    pipeline_document::parse(text);
  } catch (const document_error& e) {
    return e.what();
  }
  return "(no error)";
}

std::filesystem::path temp_file(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / "sluice_pipeline_tests";
  std::filesystem::create_directories(dir);
  return dir / name;
}

} // namespace

TEST_CASE("an endpoint splits at the first dot into node and port", "[document]") {
  CHECK(endpoint::parse("gen") == endpoint{"gen", ""});
  CHECK(endpoint::parse("win.late") == endpoint{"win", "late"});
  CHECK(endpoint::parse("a.b.c") == endpoint{"a", "b.c"});
  CHECK(endpoint{"win", "late"}.to_string() == "win.late");
  CHECK(endpoint{"gen", ""}.to_string() == "gen");
}

TEST_CASE("a saved document loads and saves again byte for byte", "[document]") {
  auto doc = pipeline_document::parse(saved_text);
  CHECK(doc.dump() == saved_text);
  CHECK(pipeline_document::parse(doc.dump()).dump() == saved_text);
}

TEST_CASE("loading reads every field and fills defaults", "[document]") {
  auto doc = pipeline_document::parse(saved_text);
  CHECK(doc.schema_version == 1);
  CHECK(doc.name == "clicks-per-page");
  REQUIRE(doc.nodes.size() == 3);
  CHECK(doc.nodes[0].parallelism == 1);
  CHECK(doc.nodes[0].on_error.empty());
  CHECK(doc.nodes[1].parallelism == 4);
  CHECK(doc.nodes[1].on_error == "skip");
  CHECK(doc.nodes[1].params["size"] == "10s");
  REQUIRE(doc.edges.size() == 2);
  CHECK(doc.edges[0].capacity == sluice::core::pipeline::default_edge_capacity);
  CHECK(doc.edges[0].partition == "hash:page");
  CHECK(doc.edges[1].from == endpoint{"per_page", "late"});
  CHECK(doc.edges[1].capacity == 64);
  CHECK(doc.layout["out"]["x"] == 480.5);
  REQUIRE(doc.find_node("out") != nullptr);
  CHECK(doc.find_node("out")->kind == "sink.file");
  CHECK(doc.find_node("nope") == nullptr);
}

TEST_CASE("saving writes keys in a stable order and leaves out defaults", "[document]") {
  auto doc = pipeline_document::parse(R"({"layout": {}, "edges": [{"to": "b", "from": "a",
    "capacity": 8192, "partition": ""}], "nodes": [{"params": {"z": 1, "a": {"y": 2, "b": 3}},
    "kind": "k", "id": "a", "parallelism": 1}], "schemaVersion": 1})");
  CHECK(doc.dump() == R"({
  "schemaVersion": 1,
  "name": "",
  "description": "",
  "nodes": [
    {
      "id": "a",
      "kind": "k",
      "params": {
        "a": {
          "b": 3,
          "y": 2
        },
        "z": 1
      }
    }
  ],
  "edges": [
    {
      "from": "a",
      "to": "b"
    }
  ]
}
)");
}

TEST_CASE("a node without params saves an empty params object", "[document]") {
  auto doc =
    pipeline_document::parse(R"({"schemaVersion": 1, "nodes": [{"id": "a", "kind": "k"}]})");
  CHECK(doc.nodes[0].params.is_object());
  CHECK(doc.to_json()["nodes"][0]["params"].dump() == "{}");
}

TEST_CASE("save and load through a file keep the document byte for byte", "[document]") {
  auto file = temp_file("round_trip.json");
  pipeline_document::parse(saved_text).save(file);
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  CHECK(text.str() == saved_text);
  CHECK(pipeline_document::load(file).dump() == saved_text);
  std::filesystem::remove(file);
}

TEST_CASE("loading a missing file is a document error naming the file", "[document]") {
  auto file = temp_file("does_not_exist.json");
  std::filesystem::remove(file);
  try {
    pipeline_document::load(file);
    FAIL("no error");
  } catch (const document_error& e) {
    CHECK(e.where() == file.string());
  }
}

TEST_CASE("a JSON syntax error names its line and column", "[document]") {
  CHECK(error_place("{\n  \"schemaVersion\": 1,\n  \"nodes\": [,]\n}") == "line 3, column 13");
  CHECK_THAT(error_message("{\n  \"schemaVersion\": 1,\n  \"nodes\": [,]\n}"),
             Catch::Contains("JSON syntax error") && !Catch::Contains("json.exception"));
  CHECK(error_place("") == "line 1, column 1");
}

TEST_CASE("an unknown or missing schema version is a document error naming it", "[document]") {
  CHECK(error_place(R"({"nodes": []})") == "schemaVersion");
  CHECK(error_place(R"({"schemaVersion": "1", "nodes": []})") == "schemaVersion");
  CHECK(error_place(R"({"schemaVersion": 2, "nodes": []})") == "schemaVersion");
  CHECK_THAT(error_message(R"({"schemaVersion": 2, "nodes": []})"),
             Catch::Contains("unsupported version 2"));
}

TEST_CASE("structural problems at the top level name the key", "[document]") {
  CHECK(error_place("[]").empty());
  CHECK(error_place(R"({"schemaVersion": 1})") == "nodes");
  CHECK(error_place(R"({"schemaVersion": 1, "nodes": {}})") == "nodes");
  CHECK(error_place(R"({"schemaVersion": 1, "nodes": [], "edges": 3})") == "edges");
  CHECK(error_place(R"({"schemaVersion": 1, "nodes": [], "name": 3})") == "name");
  CHECK(error_place(R"({"schemaVersion": 1, "nodes": [], "description": []})") == "description");
  CHECK(error_place(R"({"schemaVersion": 1, "nodes": [], "nodez": []})") == "nodez");
  CHECK_THAT(error_message(R"({"schemaVersion": 1, "nodes": [], "nodez": []})"),
             Catch::Contains("unknown key"));
  // An empty key used to give only "unknown key (known: ...)", naming nothing.
  CHECK_THAT(error_message(R"({"schemaVersion": 1, "nodes": [], "": 1})"),
             Catch::Contains("unknown key \"\" (an empty name)"));
}

TEST_CASE("structural problems in a node name the node's index and field", "[document]") {
  auto with_node = [](const std::string& node) {
    return error_place(R"({"schemaVersion": 1, "nodes": [{"id": "a", "kind": "k"}, )" + node
                       + "]}");
  };
  CHECK(with_node("3") == "nodes[1]");
  CHECK(with_node(R"({"kind": "k"})") == "nodes[1].id");
  CHECK(with_node(R"({"id": 7, "kind": "k"})") == "nodes[1].id");
  CHECK(with_node(R"({"id": "b"})") == "nodes[1].kind");
  CHECK(with_node(R"({"id": "b", "kind": "k", "params": []})") == "nodes[1].params");
  CHECK(with_node(R"({"id": "b", "kind": "k", "parallelism": 1.5})") == "nodes[1].parallelism");
  CHECK(with_node(R"({"id": "b", "kind": "k", "on_error": false})") == "nodes[1].on_error");
  CHECK(with_node(R"({"id": "b", "kind": "k", "param": {}})") == "nodes[1].param");
}

TEST_CASE("structural problems in an edge name the edge's index and field", "[document]") {
  auto with_edge = [](const std::string& edge) {
    return error_place(R"({"schemaVersion": 1, "nodes": [], "edges": [)" + edge + "]}");
  };
  CHECK(with_edge(R"("a")") == "edges[0]");
  CHECK(with_edge(R"({"to": "b"})") == "edges[0].from");
  CHECK(with_edge(R"({"from": "a"})") == "edges[0].to");
  CHECK(with_edge(R"({"from": ".x", "to": "b"})") == "edges[0].from");
  CHECK(with_edge(R"({"from": "a", "to": 2})") == "edges[0].to");
  CHECK(with_edge(R"({"from": "a", "to": "b", "capacity": "big"})") == "edges[0].capacity");
  CHECK(with_edge(R"({"from": "a", "to": "b", "partition": 1})") == "edges[0].partition");
  CHECK(with_edge(R"({"from": "a", "to": "b", "weight": 1})") == "edges[0].weight");
}

TEST_CASE("structural problems in the layout name the node's entry", "[document]") {
  auto with_layout = [](const std::string& layout) {
    return error_place(R"({"schemaVersion": 1, "nodes": [], "layout": )" + layout + "}");
  };
  CHECK(with_layout("[]") == "layout");
  CHECK(with_layout(R"({"a": 1})") == "layout.a");
  CHECK(with_layout(R"({"a": {"x": "left", "y": 0}})") == "layout.a.x");
}

TEST_CASE("values the validator judges are kept, not rejected, by the document", "[document]") {
  auto doc = pipeline_document::parse(R"({"schemaVersion": 1,
    "nodes": [{"id": "bad id", "kind": "nope", "parallelism": 0, "on_error": "explode"}],
    "edges": [{"from": "x", "to": "y", "capacity": 0, "partition": "random"}]})");
  CHECK(doc.nodes[0].parallelism == 0);
  CHECK(doc.nodes[0].on_error == "explode");
  CHECK(doc.edges[0].capacity == 0);
  CHECK(doc.edges[0].partition == "random");
}
