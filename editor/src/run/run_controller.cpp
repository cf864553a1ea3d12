#include "run/run_controller.hpp"

#include <QMetaObject>
#include <QTimer>

#include <chrono>
#include <mutex>
#include <thread>

namespace sluice::editor::run {

namespace {

/// What the GUI thread and a run's worker thread share: the run once
/// built, and whether a stop was asked for before it was.
struct RunSlot {
  std::mutex mutex;
  std::shared_ptr<exec::pipeline_run> run;
  bool stopRequested = false;
};

/// A run's checkpoints as frames carry them (an in-process run is never
/// restarted).
observe::checkpoint_figures figuresOf(const exec::checkpoint_stats& s) {
  observe::checkpoint_figures f;
  f.enabled = s.enabled;
  f.last_id = s.last_id;
  f.last_completed_ms = s.last_completed_ms;
  f.last_duration_ms = s.last_duration_ms;
  f.last_bytes = s.last_bytes;
  f.completed = s.completed;
  f.abandoned = s.abandoned;
  f.state_bytes = s.state_bytes;
  return f;
}

} // namespace

struct RunController::Impl {
  QTimer timer;
  exec::run_options options;
  quint64 generation = 0; ///< of the current run; stale events are ignored
  std::shared_ptr<RunSlot> slot;
  std::shared_ptr<exec::pipeline_run> run; ///< GUI thread's handle while running
  std::unique_ptr<observe::metrics_sampler> sampler;
  std::deque<observe::metrics_frame> noHistory;
  std::thread worker;               ///< builds the run, waits for its end
  std::vector<std::thread> reapers; ///< destroy ended runs off the GUI thread

  void joinThreads() {
    if (worker.joinable()) worker.join();
    for (auto& t : reapers)
      if (t.joinable()) t.join();
    reapers.clear();
  }
};

RunController::RunController(QObject* parent) : MetricsFeed(parent), d(std::make_unique<Impl>()) {
  qRegisterMetaType<sluice::observe::metrics_frame>();
  qRegisterMetaType<sluice::editor::run::RunState>();
  d->timer.setInterval(1000);
  QObject::connect(&d->timer, &QTimer::timeout, this, &RunController::sampleNow);
}

RunController::~RunController() {
  d->timer.stop();
  if (d->slot) {
    std::shared_ptr<exec::pipeline_run> live;
    {
      std::lock_guard<std::mutex> lock(d->slot->mutex);
      d->slot->stopRequested = true;
      live = d->slot->run;
    }
    if (live) {
      live->stop();
      if (!live->wait_for(std::chrono::seconds(10))) live->abort();
    }
  }
  d->joinThreads();
  d->run.reset(); // the run's log callback may not outlive this object
}

void RunController::setSampleInterval(int ms) { d->timer.setInterval(std::max(1, ms)); }
int RunController::sampleInterval() const { return d->timer.interval(); }
void RunController::setRunOptions(const exec::run_options& options) { d->options = options; }
const exec::run_options& RunController::runOptions() const { return d->options; }

bool RunController::isActive() const {
  return state() == RunState::Starting || state() == RunState::Running;
}

bool RunController::start(const core::pipeline::checked_pipeline& pipeline) {
  if (isActive()) {
    Q_EMIT runError({}, tr("a run is still going; stop it first"));
    return false;
  }
  if (!pipeline.ok()) {
    auto first = QString::fromStdString(pipeline.errors.front().to_string());
    Q_EMIT runError(QString::fromStdString(pipeline.errors.front().node),
                    tr("the pipeline has %n problem(s); the first: %1", nullptr,
                       static_cast<int>(pipeline.errors.size()))
                      .arg(first));
    return false;
  }
  d->joinThreads(); // the previous run's threads are done or about to be
  d->sampler = std::make_unique<observe::metrics_sampler>(pipeline);
  d->slot = std::make_shared<RunSlot>();
  auto generation = ++d->generation;
  setState(RunState::Starting);

  auto options = d->options;
  // Called on actor threads: hand the line to the GUI thread.
  options.log = [this](const std::string& line) {
    QMetaObject::invokeMethod(
      this, [this, text = QString::fromStdString(line)] { Q_EMIT logMessage(text); },
      Qt::QueuedConnection);
  };
  d->worker = std::thread([this, slot = d->slot, pipeline, options, generation]() mutable {
    std::shared_ptr<exec::pipeline_run> run;
    try {
      run = std::make_shared<exec::pipeline_run>(std::move(pipeline), std::move(options));
    } catch (const std::exception& e) {
      QMetaObject::invokeMethod(
        this,
        [this, generation, msg = QString::fromUtf8(e.what())] { onStartFailed(generation, msg); },
        Qt::QueuedConnection);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(slot->mutex);
      slot->run = run;
      if (slot->stopRequested) run->stop();
    }
    QMetaObject::invokeMethod(
      this, [this, generation, run] { onStarted(generation, run); }, Qt::QueuedConnection);
    run->wait();
    {
      std::lock_guard<std::mutex> lock(slot->mutex);
      slot->run.reset();
    }
    QMetaObject::invokeMethod(
      this, [this, generation] { onEnded(generation); }, Qt::QueuedConnection);
  });
  return true;
}

void RunController::onStarted(quint64 generation, std::shared_ptr<exec::pipeline_run> run) {
  if (generation != d->generation) return;
  d->run = std::move(run);
  setState(RunState::Running);
  sampleNow();
  d->timer.start();
}

void RunController::onStartFailed(quint64 generation, const QString& message) {
  if (generation != d->generation) return;
  Q_EMIT runError(failingNode(message), message);
  setState(RunState::Failed);
}

void RunController::onEnded(quint64 generation) {
  if (generation != d->generation || !d->run) return;
  d->timer.stop();
  sampleNow(); // the final counters
  auto status = d->run->status();
  if (status == exec::run_status::failed) {
    auto message = QString::fromStdString(d->run->failure());
    Q_EMIT runError(failingNode(message), message);
  }
  // Tearing the actor system down joins its threads: not on the GUI thread.
  d->reapers.emplace_back([run = std::move(d->run)]() mutable { run.reset(); });
  d->run.reset();
  switch (status) {
    case exec::run_status::finished: setState(RunState::Finished); break;
    case exec::run_status::failed: setState(RunState::Failed); break;
    default: setState(RunState::Stopped); break;
  }
}

void RunController::stop() {
  if (!d->slot) return;
  std::shared_ptr<exec::pipeline_run> live;
  {
    std::lock_guard<std::mutex> lock(d->slot->mutex);
    d->slot->stopRequested = true;
    live = d->slot->run;
  }
  if (live) live->stop(); // sends messages; returns at once
}

void RunController::abort() {
  if (!d->slot) return;
  std::shared_ptr<exec::pipeline_run> live;
  {
    std::lock_guard<std::mutex> lock(d->slot->mutex);
    d->slot->stopRequested = true;
    live = d->slot->run;
  }
  if (live) live->abort();
}

void RunController::sampleNow() {
  if (!d->run || !d->sampler) return;
  const auto& frame = d->sampler->sample(d->run->snapshot(), observe::steady_now_ns(),
                                         observe::wall_now_ms(), figuresOf(d->run->checkpoints()));
  Q_EMIT frameSampled(frame);
}

const std::deque<observe::metrics_frame>& RunController::history() const {
  return d->sampler ? d->sampler->history() : d->noHistory;
}

std::shared_ptr<exec::edge_tap> RunController::openTap(const std::string& from,
                                                       const std::string& to,
                                                       const exec::tap_options& options) {
  if (!d->run || state() != RunState::Running) return nullptr;
  return d->run->open_tap(from, to, options);
}

const observe::metrics_frame* RunController::latest() const {
  return d->sampler ? &d->sampler->latest() : nullptr;
}

} // namespace sluice::editor::run
