#pragma once

#include <QMainWindow>
#include <QPointer>

#include <functional>

namespace sluice::core {
class registry;
}

class QLabel;
class QMenu;
class QUrl;

namespace sluice::editor {

class AttachController;
class LogDock;
class MetricsDock;
class MetricsFeed;
class PaletteDock;
class PipelineModel;
class PipelineScene;
class PipelineView;
class ProblemsDock;
class PropertyPanel;
class RunController;
enum class RunState;

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

  PipelineModel& model() const { return *model_; }
  PipelineScene* scene() const { return scene_; }
  PipelineView* view() const { return view_; }
  PropertyPanel* propertyPanel() const { return properties_; }
  PaletteDock* palette() const { return palette_; }
  ProblemsDock* problemsDock() const { return problems_; }
  LogDock* logDock() const { return log_; }
  MetricsDock* metricsDock() const { return metrics_; }
  RunController* runController() const { return run_; }
  AttachController* attachController() const { return attach_; }
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
  void watch(MetricsFeed* feed);
  void onRunState(RunState state);
  void updateRunActions();

  const core::registry& registry_;
  PipelineModel* model_;
  PipelineScene* scene_;
  PipelineView* view_;
  PaletteDock* palette_ = nullptr;
  PropertyPanel* properties_ = nullptr;
  ProblemsDock* problems_ = nullptr;
  LogDock* log_ = nullptr;
  MetricsDock* metrics_ = nullptr;
  RunController* run_;
  AttachController* attach_;
  QPointer<MetricsFeed> feed_; ///< the run the canvas shows, if any
  QMenu* recentMenu_ = nullptr;
  QLabel* runLabel_ = nullptr;
  QLabel* totalsLabel_ = nullptr;
};

} // namespace sluice::editor
