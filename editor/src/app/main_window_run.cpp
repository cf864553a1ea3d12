#include "app/main_window.hpp"

#include <QAction>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QUrl>

#include "app/document_layout.hpp"
#include "model/pipeline_model.hpp"
#include "run/attach_controller.hpp"
#include "run/resume_check.hpp"
#include "run/run_controller.hpp"
#include "run/tap_session.hpp"
#include "view/log_dock.hpp"
#include "view/metrics_dock.hpp"
#include "view/node_style.hpp"
#include "view/pipeline_scene.hpp"
#include "view/pipeline_view.hpp"
#include "view/problems_dock.hpp"
#include "view/tap_dock.hpp"

namespace sluice::editor::app {

using run::MetricsFeed;
using run::RunState;

void MainWindow::runPipeline() {
  if (run_->isActive()) return;
  if (model_->nodeIds().isEmpty()) {
    statusBar()->showMessage(tr("Nothing to run: drag operators from the palette first"), 8000);
    return;
  }
  // Run checks first, as `sluice run` would, and says what is wrong.
  const auto& problems = model_->problems();
  if (!problems.empty()) {
    QStringList lines;
    for (std::size_t i = 0; i < problems.size() && i < 15; ++i)
      lines << "• " + QString::fromStdString(problems[i].to_string());
    if (problems.size() > 15) lines << tr("… and %1 more").arg(problems.size() - 15);
    problems_->raise();
    QMessageBox::warning(this, tr("Cannot run"),
                         tr("Fix these problems first:\n\n%1").arg(lines.join("\n")));
    return;
  }
  // A pipeline with a checkpoint directory: resume from its checkpoint or
  // start fresh (the directory as it is now, not as it was when opened).
  resume_->refresh();
  const auto choice = askResume();
  if (!choice) return;
  exec::run_options options = run_->runOptions();
  options.checkpoints = resume_->settings(*choice);
  run_->setRunOptions(options);

  if (attach_->state() == RunState::Running || attach_->state() == RunState::Starting)
    attach_->detach();
  watch(run_);
  metrics_->raise(); // the chart is what one watches during a run
  log_->clear();
  log_->appendMessage(
    tr("Starting %1").arg(model_->filePath().isEmpty() ? tr("Untitled") : model_->filePath()));
  if (const auto& c = options.checkpoints) {
    const QString dir = QString::fromStdString(c->dir.string());
    if (c->resume_from) {
      log_->appendMessage(tr("Resuming from checkpoint %1 in %2").arg(*c->resume_from).arg(dir));
      if (!c->reset_state.empty()) {
        QStringList reset;
        for (const auto& id : c->reset_state) reset << QString::fromStdString(id);
        log_->appendMessage(tr("Starting without their state: %1").arg(reset.join(", ")));
      }
    } else {
      log_->appendMessage(tr("Starting fresh; checkpoints go to %1").arg(dir));
    }
  }
  run_->start(model_->checked());
  updateRunActions();
  showResume();
}

std::optional<run::ResumeChoice> MainWindow::askResume() {
  if (!resume_->canResume()) return run::ResumeChoice::Fresh;
  QMessageBox box(QMessageBox::Question, tr("Run"), resume_->choiceText(), QMessageBox::NoButton,
                  this);
  box.setObjectName("resumeDialog");
  QPushButton* resume = box.addButton(tr("Resume from checkpoint %1").arg(resume_->checkpointId()),
                                      QMessageBox::AcceptRole);
  resume->setObjectName("resume");
  QPushButton* fresh = box.addButton(tr("Start fresh"), QMessageBox::ActionRole);
  fresh->setObjectName("fresh");
  box.addButton(QMessageBox::Cancel);
  box.setDefaultButton(resume);
  box.exec();
  takeFocusBack();
  if (box.clickedButton() == resume) return run::ResumeChoice::Resume;
  if (box.clickedButton() == fresh) return run::ResumeChoice::Fresh;
  return std::nullopt;
}

void MainWindow::showResume() {
  const bool running = feed_ == run_ && run_->isActive();
  scene_->showResume(running ? nullptr : resume_);
  const QString summary = running ? QString() : resume_->summary();
  resumeLabel_->setText(summary);
  resumeLabel_->setVisible(!summary.isEmpty());
}

void MainWindow::stopPipeline() {
  if (feed_ == run_ && run_->isActive()) {
    log_->appendMessage(tr("Stopping: sources end, records in flight drain"));
    run_->stop();
  } else if (feed_ == attach_) {
    log_->appendMessage(tr("Detached from %1").arg(attach_->baseUrl().toString()));
    attach_->detach(); // Stopped: onRunState follows
  }
  updateRunActions();
}

void MainWindow::attachToRun() {
  bool ok = false;
  const QString url =
    QInputDialog::getText(this, tr("Attach to run"), tr("Metrics URL of a headless `sluice run`:"),
                          QLineEdit::Normal, "http://127.0.0.1:9464", &ok);
  takeFocusBack();
  if (!ok || url.trimmed().isEmpty()) return;
  attachTo(QUrl::fromUserInput(url.trimmed()));
}

void MainWindow::attachTo(const QUrl& url) {
  if (!maybeSave()) return;
  if (run_->isActive()) run_->stop();
  watch(attach_);
  metrics_->raise();
  log_->clear();
  log_->appendMessage(tr("Attaching to %1").arg(url.toString()));
  statusBar()->showMessage(tr("Attaching to %1…").arg(url.toString()), 4000);
  attach_->attach(url);
  updateRunActions();
}

void MainWindow::watch(MetricsFeed* feed) {
  // One feed at a time drives the canvas, the metrics dock and the log.
  for (MetricsFeed* f : {static_cast<MetricsFeed*>(run_), static_cast<MetricsFeed*>(attach_)})
    disconnect(f, nullptr, this, nullptr);
  scene_->clearLive();
  metrics_->clear();
  feed_ = feed;
  tap_->session()->setFeed(feed);
  if (!feed) return;
  connect(feed, &MetricsFeed::frameSampled, this, [this](const observe::metrics_frame& frame) {
    scene_->applyFrame(frame);
    metrics_->addFrame(frame);
    double in = 0, out = 0;
    for (const auto& n : frame.nodes) {
      // Sources' output and sinks' input are what enters and leaves.
      if (const core::descriptor* d = registry_.find(n.kind)) {
        if (d->is_source()) in += n.records_out_per_second;
        if (d->is_sink()) out += n.records_in_per_second;
      }
    }
    QString text =
      tr("in %1 rec/s · out %2 rec/s").arg(view::style::shortRate(in), view::style::shortRate(out));
    if (!frame.bottleneck.empty())
      text += tr(" · bottleneck: %1").arg(QString::fromStdString(frame.bottleneck));
    totalsLabel_->setText(text);
  });
  connect(feed, &MetricsFeed::statusChanged, this, &MainWindow::onRunState);
  connect(feed, &MetricsFeed::runError, this, [this](const QString& node, const QString& message) {
    log_->appendError(node, message);
    log_->raise();
    if (!node.isEmpty()) scene_->setRuntimeError(node, message);
    statusBar()->showMessage(
      (feed_ == attach_ ? tr("Attach failed: %1") : tr("Run failed: %1")).arg(message), 15000);
  });
  connect(feed, &MetricsFeed::logMessage, this,
          [this](const QString& line) { log_->appendMessage(line); });
  if (feed == attach_) {
    connect(attach_, &run::AttachController::pipelineReceived, this, [this](const QString& json) {
      // The run's pipeline is not the file that was open: Save must not
      // overwrite that file with it.
      if (!model_->filePath().isEmpty()) model_->newDocument();
      const QString error = model_->loadText(json);
      if (!error.isEmpty()) {
        log_->appendError({}, tr("The run's pipeline cannot be drawn: %1").arg(error));
        return;
      }
      ensureLayout(*model_);
      view_->fitToView();
      // The canvas was rebuilt: replay the newest frame onto it.
      if (!attach_->history().empty()) scene_->applyFrame(attach_->history().back());
    });
  }
}

void MainWindow::onRunState(RunState state) {
  runLabel_->setText(feed_ == attach_ ? tr("attached: %1").arg(run::runStateName(state))
                                      : run::runStateName(state));
  if (state == RunState::Finished) log_->appendMessage(tr("Run finished"));
  if (state == RunState::Stopped) log_->appendMessage(tr("Run stopped"));
  if (state == RunState::Failed) log_->appendMessage(tr("Run failed"));
  updateRunActions();
  // A run that ended may have left checkpoints (or finished them off).
  if (feed_ == run_ && !run_->isActive()) resume_->refresh();
  else showResume();
}

void MainWindow::tapEdge(const QString& from, const QString& to) {
  // A tap costs the run something: only opened on a live run's edge the
  // user asked for, and switched (the old one closed) on the next one.
  const bool live = feed_ && feed_->state() == RunState::Running;
  if (!live && !tap_->isVisible()) return;
  const bool wasVisible = tap_->isVisible();
  tap_->showEdge(from, to);
  // Room for the records: the bottom docks grow when the tap first shows.
  if (!wasVisible && tap_->height() < 320) resizeDocks({tap_}, {320}, Qt::Vertical);
}

void MainWindow::updateRunActions() {
  const bool active =
    (feed_ == run_ && run_->isActive())
    || (feed_ == attach_
        && (attach_->state() == RunState::Running || attach_->state() == RunState::Starting));
  if (QAction* a = action("run")) a->setEnabled(!active);
  if (QAction* a = action("stop")) a->setEnabled(active);
}

} // namespace sluice::editor::app
