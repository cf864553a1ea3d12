#include <catch2/catch.hpp>

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include "run/attach_controller.hpp"
#include "sluice/ops/builtin.hpp"

#ifdef SLUICE_HAVE_OBSERVE_HTTP
#include "sluice/exec/pipeline_run.hpp"
#include "sluice/observe/metrics_server.hpp"
#endif

using namespace sluice;
using editor::run::AttachController;
using editor::run::RunState;

namespace {

/// Answers every HTTP request with `body` as JSON: a server that is not a
/// Sluice run.
class FixedAnswerServer {
public:
  explicit FixedAnswerServer(QByteArray body) : body_(std::move(body)) {
    QObject::connect(&server_, &QTcpServer::newConnection, [this] {
      while (auto* socket = server_.nextPendingConnection()) {
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
          if (!socket->readAll().contains("\r\n\r\n")) return;
          socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                        + QByteArray::number(body_.size()) + "\r\nConnection: close\r\n\r\n"
                        + body_);
          socket->disconnectFromHost();
        });
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
      }
    });
    server_.listen(QHostAddress::LocalHost);
  }
  QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server_.serverPort())); }

private:
  QTcpServer server_;
  QByteArray body_;
};

} // namespace

TEST_CASE("attaching to an address where nothing listens fails with a clear message", "[attach]") {
  // A port that was free a moment ago: nobody listens there now.
  QTcpServer probe;
  REQUIRE(probe.listen(QHostAddress::LocalHost));
  auto port = probe.serverPort();
  probe.close();

  AttachController attach;
  QSignalSpy errors(&attach, &AttachController::runError);
  attach.attach(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
  REQUIRE(QTest::qWaitFor([&] { return attach.state() == RunState::Failed; }, 30000));
  REQUIRE(errors.count() == 1);
  auto message = errors[0].at(1).toString();
  CHECK(message.contains(QStringLiteral("/api/pipeline")));
  CHECK(message.contains(QString::number(port)));
}

TEST_CASE("attaching to a server that answers something else says it is not a Sluice run",
          "[attach]") {
  FixedAnswerServer bad("{\"hello\": 1}");
  AttachController attach;
  QSignalSpy errors(&attach, &AttachController::runError);
  attach.attach(bad.url());
  REQUIRE(QTest::qWaitFor([&] { return attach.state() == RunState::Failed; }, 30000));
  REQUIRE(errors.count() == 1);
  CHECK(errors[0].at(1).toString().contains(QStringLiteral("is not a Sluice run")));

  FixedAnswerServer garbage("{not json");
  attach.attach(garbage.url());
  REQUIRE(QTest::qWaitFor([&] { return errors.count() == 2; }, 30000));
  CHECK(errors[1].at(1).toString().contains(QStringLiteral("did not answer JSON")));
  CHECK(attach.state() == RunState::Failed);
}

#ifdef SLUICE_HAVE_OBSERVE_HTTP

TEST_CASE("attaching to a headless run reads its pipeline, polls frames and sees it stop",
          "[attach]") {
  auto pipeline =
    core::pipeline::check(core::pipeline::pipeline_document::parse(R"({"schemaVersion": 1,
    "name": "remote", "nodes": [
    {"id": "gen", "kind": "source.generator", "params": {"count": 0, "rate": 2000}},
    {"id": "out", "kind": "sink.null"}], "edges": [{"from": "gen", "to": "out"}]})"),
                          ops::builtin_registry());
  REQUIRE(pipeline.ok());
  exec::pipeline_run run(pipeline);
  observe::run_source source;
  source.snapshot = [&run] { return run.snapshot(); };
  source.health = [&run] {
    observe::run_health h;
    switch (run.status()) {
      case exec::run_status::running: h.status = "running"; break;
      case exec::run_status::finished: h.status = "finished"; break;
      case exec::run_status::stopped: h.status = "stopped"; break;
      case exec::run_status::failed:
        h.status = "failed";
        h.error = run.failure();
        break;
    }
    return h;
  };
  observe::server_options options;
  options.sample_every = std::chrono::milliseconds(50);
  observe::metrics_server server(pipeline, source, options);

  AttachController attach;
  attach.setPollInterval(50);
  QSignalSpy received(&attach, &AttachController::pipelineReceived);
  QSignalSpy frames(&attach, &AttachController::frameSampled);
  QSignalSpy errors(&attach, &AttachController::runError);
  attach.attach(QUrl(QString::fromStdString(server.url())));

  REQUIRE(QTest::qWaitFor([&] { return frames.count() >= 3; }, 30000));
  INFO((errors.isEmpty() ? QString() : errors[0].at(1).toString()).toStdString());
  CHECK(errors.isEmpty());
  CHECK(attach.state() == RunState::Running);
  REQUIRE(received.count() == 1);
  // As the file would be written, ready for PipelineModel::loadText.
  CHECK(received[0].at(0).toString().toStdString() == pipeline.doc.dump());
  auto doc = core::pipeline::pipeline_document::parse(received[0].at(0).toString().toStdString());
  CHECK(doc.name == "remote");
  CHECK(doc.nodes.size() == 2);
  CHECK(attach.pipelineInfo()["edges"].size() == 1);
  auto frame = frames.last().at(0).value<observe::metrics_frame>();
  REQUIRE(frame.nodes.size() == 2);
  CHECK(frame.nodes[0].node == "gen");

  run.stop();
  REQUIRE(QTest::qWaitFor([&] { return attach.state() == RunState::Stopped; }, 30000));
  CHECK(errors.isEmpty());
}

#endif
