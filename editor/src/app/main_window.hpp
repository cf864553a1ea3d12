#pragma once

#include <QMainWindow>
#include <QPointer>

#include <functional>
#include <optional>

namespace sluice::core {
class registry;
}

class QLabel;
class QMenu;
class QUrl;

namespace sluice::editor::model {
class PipelineModel;
}

namespace sluice::editor::run {
class AttachController;
class MetricsFeed;
class ResumeCheck;
class RunController;
enum class ResumeChoice;
enum class RunState;
} // namespace sluice::editor::run

namespace sluice::editor::view {
class LogDock;
class MetricsDock;
class PaletteDock;
class PipelineScene;
class PipelineView;
class ProblemsDock;
class PropertyPanel;
class TapDock;
} // namespace sluice::editor::view

namespace sluice::editor::app {

/// The editor window: canvas in the middle, palette left, properties
/// right, problems/log/metrics below; file, edit, view and run menus.
/// Split over main_window.cpp (widgets, edit and view actions),
/// main_window_files.cpp (files, recent files, dirty prompt) and
/// main_window_run.cpp (run, stop, attach, live view).
class MainWindow : public QMainWindow {
  Q_OBJECT

public:
  explicit MainWindow(const core::registry& registry, QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Opens `path` without asking about unsaved changes; false (with a
  /// message box unless `quiet`) when the file cannot be read.
  bool openFile(const QString& path, bool quiet = false);

  /// Attaches to the headless run at `url` (File ▸ Attach, after asking
  /// for the URL): asks about unsaved changes first, then draws the run's
  /// pipeline and colours it with its live metrics. Failures (nothing
  /// listening, not a Sluice run) go to the status bar and the log.
  void attachTo(const QUrl& url);

  model::PipelineModel& model() const { return *model_; }
  view::PipelineScene* scene() const { return scene_; }
  view::PipelineView* view() const { return view_; }
  view::PropertyPanel* propertyPanel() const { return properties_; }
  view::PaletteDock* palette() const { return palette_; }
  view::ProblemsDock* problemsDock() const { return problems_; }
  view::LogDock* logDock() const { return log_; }
  view::MetricsDock* metricsDock() const { return metrics_; }
  /// The tap on the selected edge of the live run; hidden until one is.
  view::TapDock* tapDock() const { return tap_; }
  run::RunController* runController() const { return run_; }
  run::AttachController* attachController() const { return attach_; }
  /// What resuming the open pipeline from its checkpoint keeps (badges, the
  /// status bar's resume line, Run's choice).
  run::ResumeCheck* resumeCheck() const { return resume_; }
  /// The status bar's resume line ("" and hidden without a checkpoint dir).
  QLabel* resumeLabel() const { return resumeLabel_; }
  QMenu* recentMenu() const { return recentMenu_; }
  QAction* action(const QString& objectName) const;

protected:
  void closeEvent(QCloseEvent* event) override;

private:
  // main_window.cpp
  void createDocks();
  void createActions();
  QAction* makeAction(QMenu* menu, const QString& name, const QString& text,
                      const QList<QKeySequence>& keys, std::function<void()> slot,
                      bool canvasOnly = false);
  QPointF pastePosition() const;
  void cut();
  void copy();
  void paste();
  void duplicate();
  void deleteSelection();
  void selectAll();
  void zoomIn();
  void zoomOut();
  void fitToView();
  void autoLayout();
  void quickAdd();
  void showNodeProblems(const QString& id);
  void onCurrentNodeChanged(const QString& id);
  void addFromPalette(const QString& kind);

  // main_window_files.cpp
  void newFile();
  void open();
  bool save();
  bool saveAs();
  bool saveTo(const QString& path);
  /// Asks Save/Discard/Cancel when there are unsaved changes; false = cancel.
  bool maybeSave();
  void addRecentFile(const QString& path);
  /// From the recent menu: a file that is gone is said so and dropped.
  void openRecent(const QString& path);
  void updateRecentMenu();
  void updateTitle();
  /// Lays out a document opened without a layout (not an undoable edit).
  void layoutIfNeeded();
  /// After a file dialog: the window and the canvas get the keyboard back.
  void takeFocusBack();

  // main_window_run.cpp
  void runPipeline();
  void stopPipeline();
  void attachToRun();
  void watch(run::MetricsFeed* feed);
  void onRunState(run::RunState state);
  /// An edge was selected: tapped while a run is live (or the tap shows).
  void tapEdge(const QString& from, const QString& to);
  void updateRunActions();
  /// With a checkpoint to resume from: "Resume from checkpoint N" or
  /// "Start fresh" (nullopt: cancelled). Fresh without asking otherwise.
  std::optional<run::ResumeChoice> askResume();
  /// The resume badges and line, hidden while the in-process run is active.
  void showResume();

  const core::registry& registry_;
  model::PipelineModel* model_;
  view::PipelineScene* scene_;
  view::PipelineView* view_;
  view::PaletteDock* palette_ = nullptr;
  view::PropertyPanel* properties_ = nullptr;
  view::ProblemsDock* problems_ = nullptr;
  view::LogDock* log_ = nullptr;
  view::MetricsDock* metrics_ = nullptr;
  view::TapDock* tap_ = nullptr;
  run::RunController* run_;
  run::AttachController* attach_;
  run::ResumeCheck* resume_;
  QPointer<run::MetricsFeed> feed_; ///< the run the canvas shows, if any
  QMenu* recentMenu_ = nullptr;
  QLabel* runLabel_ = nullptr;
  QLabel* totalsLabel_ = nullptr;
  QLabel* resumeLabel_ = nullptr;
};

} // namespace sluice::editor::app
