#include "app/main_window.hpp"

#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QUndoStack>

#include "app/document_layout.hpp"
#include "model/pipeline_model.hpp"
#include "run/run_controller.hpp"
#include "view/pipeline_view.hpp"

namespace sluice::editor::app {

namespace {
constexpr int maxRecent = 8;
const char* recentKey = "recentFiles";
const char* fileFilter = "Pipelines (*.json);;All files (*)";
} // namespace

void MainWindow::newFile() {
  if (!maybeSave()) return;
  model_->newDocument();
  view_->resetZoom();
}

void MainWindow::open() {
  if (!maybeSave()) return;
  const QString dir =
    model_->filePath().isEmpty() ? QString() : QFileInfo(model_->filePath()).path();
  const QString path = QFileDialog::getOpenFileName(this, tr("Open pipeline"), dir, fileFilter);
  takeFocusBack();
  if (!path.isEmpty()) openFile(path);
}

bool MainWindow::openFile(const QString& path, bool quiet) {
  const QString error = model_->load(path);
  if (!error.isEmpty()) {
    if (!quiet)
      QMessageBox::warning(
        this, tr("Cannot open pipeline"),
        tr("%1 cannot be opened:\n%2").arg(QDir::toNativeSeparators(path), error));
    statusBar()->showMessage(tr("Cannot open %1: %2").arg(path, error), 10000);
    return false;
  }
  layoutIfNeeded();
  addRecentFile(path);
  view_->fitToView();
  statusBar()->showMessage(tr("Opened %1").arg(path), 4000);
  return true;
}

void MainWindow::layoutIfNeeded() { ensureLayout(*model_); }

void MainWindow::takeFocusBack() {
  // Without a window manager (a bare X server, xvfb-run) nobody gives the
  // keyboard back when a dialog closes, and F5 or Ctrl+S would go nowhere.
  activateWindow();
  view_->setFocus(Qt::OtherFocusReason);
}

bool MainWindow::save() {
  if (model_->filePath().isEmpty()) return saveAs();
  return saveTo(model_->filePath());
}

bool MainWindow::saveAs() {
  // An untitled pipeline gets a name to start from (its own, else
  // "pipeline.json") in the current directory, ready to be typed over.
  QString suggested = model_->filePath();
  if (suggested.isEmpty()) {
    const QString name = QString::fromStdString(model_->document().name).trimmed();
    suggested = QDir::current().filePath((name.isEmpty() ? QStringLiteral("pipeline") : name)
                                         + QStringLiteral(".json"));
  }
  QString path = QFileDialog::getSaveFileName(this, tr("Save pipeline"), suggested, fileFilter);
  takeFocusBack();
  if (path.isEmpty()) return false;
  if (QFileInfo(path).suffix().isEmpty()) path += ".json";
  return saveTo(path);
}

bool MainWindow::saveTo(const QString& path) {
  const QString error = model_->save(path);
  if (!error.isEmpty()) {
    QMessageBox::warning(this, tr("Cannot save pipeline"), error);
    return false;
  }
  addRecentFile(path);
  statusBar()->showMessage(tr("Saved %1").arg(path), 4000);
  return true;
}

bool MainWindow::maybeSave() {
  if (!model_->isDirty()) return true;
  const QString name =
    model_->filePath().isEmpty() ? tr("Untitled") : QFileInfo(model_->filePath()).fileName();
  const auto answer = QMessageBox::warning(
    this, tr("Unsaved changes"), tr("%1 has unsaved changes. Save them?").arg(name),
    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
  if (answer == QMessageBox::Save) return save();
  return answer == QMessageBox::Discard;
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!maybeSave()) {
    event->ignore();
    return;
  }
  if (run_->isActive()) run_->stop();
  event->accept();
}

void MainWindow::addRecentFile(const QString& path) {
  QSettings settings("sluice", "sluice-editor");
  QStringList files = settings.value(recentKey).toStringList();
  const QString full = QFileInfo(path).absoluteFilePath();
  files.removeAll(full);
  files.prepend(full);
  while (files.size() > maxRecent) files.removeLast();
  settings.setValue(recentKey, files);
  updateRecentMenu();
}

void MainWindow::openRecent(const QString& path) {
  if (!QFileInfo::exists(path)) {
    QSettings settings("sluice", "sluice-editor");
    QStringList files = settings.value(recentKey).toStringList();
    files.removeAll(path);
    settings.setValue(recentKey, files);
    updateRecentMenu();
    statusBar()->showMessage(tr("%1 no longer exists").arg(path), 10000);
    QMessageBox::warning(this, tr("Cannot open pipeline"),
                         tr("%1 no longer exists (moved or deleted?).\n"
                            "It has been removed from the recent files.")
                           .arg(QDir::toNativeSeparators(path)));
    return;
  }
  if (maybeSave()) openFile(path);
}

void MainWindow::updateRecentMenu() {
  recentMenu_->clear();
  const QStringList files = QSettings("sluice", "sluice-editor").value(recentKey).toStringList();
  for (const QString& f : files) {
    QAction* a = recentMenu_->addAction(QFileInfo(f).fileName());
    a->setToolTip(f);
    a->setStatusTip(f);
    connect(a, &QAction::triggered, this, [this, f] { openRecent(f); });
  }
  recentMenu_->setEnabled(!files.isEmpty());
}

void MainWindow::updateTitle() {
  const QString path = model_->filePath();
  const QString name = path.isEmpty() ? tr("Untitled") : QFileInfo(path).fileName();
  setWindowTitle(name + "[*] — Sluice editor");
  setWindowModified(model_->isDirty());
  setWindowFilePath(path);
}

} // namespace sluice::editor::app
