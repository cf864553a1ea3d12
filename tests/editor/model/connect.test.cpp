#include <catch2/catch.hpp>

#include <QSignalSpy>
#include <QUndoStack>

#include "model/model_helpers.hpp"

using namespace sluice;
using namespace sluice::test;
using Catch::Matchers::Contains;
using editor::model::EdgeKey;
using editor::model::PipelineModel;

namespace {

/// gen, f (where value > 10), m, out: no edges.
QString looseNodes() {
  return QStringLiteral(R"({"schemaVersion": 1, "nodes": [
    {"id": "gen", "kind": "source.generator"},
    {"id": "f", "kind": "transform.filter", "params": {"where": "value > 10"}},
    {"id": "m", "kind": "transform.map", "params": {"set": {"twice": "value * 2"}}},
    {"id": "u", "kind": "transform.union"},
    {"id": "w", "kind": "window.tumbling",
     "params": {"size": "10s", "timestamp": "ts", "aggregates": [{"fn": "count", "as": "n"}]}},
    {"id": "out", "kind": "sink.null"}
  ]})");
}

} // namespace

TEST_CASE("connecting stores the endpoints as a hand-written file would, undoably", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(looseNodes()).isEmpty());
  QSignalSpy added(&model, &PipelineModel::edgeAdded);
  auto before = dumpOf(model);

  CHECK(model.connect("gen.out", "f.in").isEmpty());
  REQUIRE(model.edges().size() == 1);
  CHECK(model.edges()[0] == EdgeKey{"gen", "f"});
  CHECK(added.count() == 1);
  CHECK(model.problemsOf("f").empty()); // its input is connected now
  auto after = dumpOf(model);
  model.undoStack()->undo();
  CHECK(dumpOf(model) == before);
  model.undoStack()->redo();
  CHECK(dumpOf(model) == after);

  // A port that is not the node's only one keeps its name.
  CHECK(model.connect("gen", "w").isEmpty());
  CHECK(model.connect("w.late", "out").isEmpty());
  CHECK(model.edges().back() == EdgeKey{"w.late", "out"});
}

TEST_CASE("disconnecting removes the edge, undoably", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  QSignalSpy removed(&model, &PipelineModel::edgeRemoved);
  auto before = dumpOf(model);
  model.disconnect({"f", "m"});
  CHECK(model.edges().size() == 2);
  CHECK(removed.count() == 1);
  CHECK(!model.problemsOf("m").empty()); // its input is unconnected now
  model.undoStack()->undo();
  CHECK(dumpOf(model) == before);
  CHECK(model.problems().empty());
}

TEST_CASE("a connection into a port that already has that edge is refused as a duplicate",
          "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  auto before = dumpOf(model);
  CHECK(model.connectionProblem("gen", "f")
        == "edge 'gen -> f': duplicate edge (same ports as edges[0] 'gen -> f')");
  // Spelled with port names it is the same edge.
  CHECK_THAT(model.connect("gen.out", "f.in").toStdString(), Contains("duplicate edge"));
  CHECK(dumpOf(model) == before);
}

TEST_CASE("a connection that closes a cycle is refused naming the cycle", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(chainText()).isEmpty());
  CHECK(model.connectionProblem("m", "f") == "node 'f': is part of a cycle: f -> m -> f");
  CHECK(model.connectionProblem("f", "f") == "node 'f': is part of a cycle: f -> f");
  CHECK(!model.connect("m", "f").isEmpty());
  CHECK(model.edges().size() == 3);
}

TEST_CASE("a connection bringing records of another schema into a port is refused as a type "
          "mismatch",
          "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(looseNodes()).isEmpty());
  REQUIRE(model.connect("gen", "u").isEmpty());
  REQUIRE(model.connect("gen", "m").isEmpty());
  auto problem = model.connectionProblem("m", "u");
  CHECK_THAT(problem.toStdString(), Contains("edge 'm -> u': its schema {"));
  CHECK_THAT(problem.toStdString(), Contains("twice:double"));
  CHECK_THAT(problem.toStdString(), Contains("into the same port 'in'"));
  // The same schema twice into a union is fine.
  REQUIRE(model.connect("gen", "f").isEmpty());
  CHECK(model.connectionProblem("f", "u").isEmpty());
}

TEST_CASE("a connection that makes an expression name an unknown field is refused", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(looseNodes()).isEmpty());
  model.setParam("f", "where", "price > 10");
  // Before the edge the filter's input is unconnected (a problem of its
  // own); the edge is refused because of the field, not because of that.
  CHECK(model.connectionProblem("gen", "f")
        == "node 'f': param 'where' at column 1: unknown field 'price' (fields: seq, ts, key, "
           "value)");
  // Also when the unknown field is further downstream.
  model.setParam("f", "where", "value > 10");
  model.setParam("m", "set", nlohmann::json{{"twice", "price * 2"}});
  REQUIRE(model.connect("f", "m").isEmpty()); // m's input still unknown: no complaint yet
  CHECK_THAT(model.connectionProblem("gen", "f").toStdString(), Contains("node 'm': param 'set"));
}

TEST_CASE("problems elsewhere in the document do not refuse a good connection", "[model]") {
  PipelineModel model(registry());
  REQUIRE(model.loadText(looseNodes()).isEmpty());
  REQUIRE(!model.problems().empty()); // unconnected inputs everywhere
  CHECK(model.connectionProblem("gen", "f").isEmpty());
  CHECK(model.connectionProblem("gen", "nope") == "edge 'gen -> nope': unknown node 'nope'");
  CHECK(model.connectionProblem("gen.sideways", "f")
        == "edge 'gen.sideways -> f': node 'gen' has no output port 'sideways' (it has: out, "
           "errors)");
  CHECK(model.connectionProblem("out", "f")
        == "edge 'out -> f': node 'out' has no data output; take its error records from "
           "'out.errors'");
}
