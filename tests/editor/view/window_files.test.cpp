// MainWindow's files: the Save/Discard/Cancel prompt before losing changes
// (New, Open, close) and the recent files list.
#include <catch2/catch.hpp>

#include <QAction>
#include <QFile>
#include <QMenu>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "app/main_window.hpp"
#include "modal_answers.hpp"
#include "view_helpers.hpp"

using namespace sluice;
using namespace sluice::editor::app;
using test::ModalAnswers;

namespace {

/// QSettings of this test in a temporary directory, not the user's.
struct TemporarySettings {
  QTemporaryDir dir;
  TemporarySettings() {
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
  }
  ~TemporarySettings() {
    const QString standard =
      QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, standard);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, standard);
  }
};

QString writeCanvas(const QTemporaryDir& dir, const QString& name) {
  const QString path = dir.filePath(name);
  QFile f(path);
  f.open(QIODevice::WriteOnly);
  f.write(test::canvasText().toUtf8());
  return path;
}

QString fileText(const QString& path) {
  QFile f(path);
  f.open(QIODevice::ReadOnly);
  return QString::fromUtf8(f.readAll());
}

/// A window with `canvas.json` open and one unsaved change to it.
struct DirtyWindow {
  TemporarySettings settings;
  QTemporaryDir dir;
  QString path = writeCanvas(dir, "canvas.json");
  MainWindow w{test::registry()};
  DirtyWindow() {
    REQUIRE(w.openFile(path, true));
    w.model().setParam("f", "where", "value > 99");
    REQUIRE(w.model().isDirty());
    w.show();
  }
  bool hasChange() const {
    return w.model().node("f")
           && w.model().node("f")->params.dump().find("99") != std::string::npos;
  }
};

QStringList recentPaths(const MainWindow& w) {
  QStringList out;
  for (QAction* a : w.recentMenu()->actions()) out << a->toolTip();
  return out;
}

} // namespace

TEST_CASE("New on a changed document asks and Cancel keeps the document and its changes",
          "[view][window][prompt]") {
  DirtyWindow d;
  QString asked;
  ModalAnswers answers({ModalAnswers::click(QMessageBox::Cancel, &asked)});
  d.w.action("new")->trigger();
  CHECK(answers.answered() == 1);
  CHECK(asked.contains("unsaved changes"));
  CHECK(d.w.model().filePath() == d.path);
  CHECK(d.hasChange());
  CHECK(d.w.model().isDirty());
  CHECK_FALSE(fileText(d.path).contains("99"));
}

TEST_CASE("New on a changed document asks and Discard drops the changes",
          "[view][window][prompt]") {
  DirtyWindow d;
  ModalAnswers answers({ModalAnswers::click(QMessageBox::Discard)});
  d.w.action("new")->trigger();
  CHECK(answers.answered() == 1);
  CHECK(d.w.model().nodeIds().isEmpty());
  CHECK(d.w.model().filePath().isEmpty());
  CHECK_FALSE(d.w.model().isDirty());
  CHECK_FALSE(fileText(d.path).contains("99"));
}

TEST_CASE("New on a changed document asks and Save writes the file first",
          "[view][window][prompt]") {
  DirtyWindow d;
  ModalAnswers answers({ModalAnswers::click(QMessageBox::Save)});
  d.w.action("new")->trigger();
  CHECK(answers.answered() == 1);
  CHECK(fileText(d.path).contains("value > 99"));
  CHECK(d.w.model().nodeIds().isEmpty());
  CHECK_FALSE(d.w.model().isDirty());
}

TEST_CASE("Open on a changed document asks and Cancel shows no file dialog and keeps the document",
          "[view][window][prompt]") {
  DirtyWindow d;
  ModalAnswers answers({ModalAnswers::click(QMessageBox::Cancel),
                        ModalAnswers::chooseFile(writeCanvas(d.dir, "other.json"))});
  d.w.action("open")->trigger();
  CHECK(answers.answered() == 1);
  CHECK(d.w.model().filePath() == d.path);
  CHECK(d.hasChange());
}

TEST_CASE("Open on a changed document asks and Discard then opens the chosen file",
          "[view][window][prompt]") {
  DirtyWindow d;
  const QString other = writeCanvas(d.dir, "other.json");
  ModalAnswers answers(
    {ModalAnswers::click(QMessageBox::Discard), ModalAnswers::chooseFile(other)});
  d.w.action("open")->trigger();
  CHECK(answers.answered() == 2);
  CHECK(QFileInfo(d.w.model().filePath()).fileName() == "other.json");
  CHECK_FALSE(d.w.model().isDirty());
  CHECK_FALSE(fileText(d.path).contains("99"));
}

TEST_CASE("Open on a changed document asks and Save writes it and then opens the chosen file",
          "[view][window][prompt]") {
  DirtyWindow d;
  const QString other = writeCanvas(d.dir, "other.json");
  ModalAnswers answers({ModalAnswers::click(QMessageBox::Save), ModalAnswers::chooseFile(other)});
  d.w.action("open")->trigger();
  CHECK(answers.answered() == 2);
  CHECK(fileText(d.path).contains("value > 99"));
  CHECK(QFileInfo(d.w.model().filePath()).fileName() == "other.json");
}

TEST_CASE("closing a changed window asks and Cancel keeps it open and Discard closes it",
          "[view][window][prompt]") {
  DirtyWindow d;
  {
    ModalAnswers answers({ModalAnswers::click(QMessageBox::Cancel)});
    CHECK_FALSE(d.w.close());
    CHECK(answers.answered() == 1);
  }
  CHECK(d.w.isVisible());
  CHECK(d.hasChange());
  {
    ModalAnswers answers({ModalAnswers::click(QMessageBox::Discard)});
    CHECK(d.w.close());
    CHECK(answers.answered() == 1);
  }
  CHECK_FALSE(d.w.isVisible());
  CHECK_FALSE(fileText(d.path).contains("99"));
}

TEST_CASE("closing a changed window asks and Save writes the file before it closes",
          "[view][window][prompt]") {
  DirtyWindow d;
  ModalAnswers answers({ModalAnswers::click(QMessageBox::Save)});
  CHECK(d.w.close());
  CHECK(answers.answered() == 1);
  CHECK(fileText(d.path).contains("value > 99"));
}

TEST_CASE("an unchanged document is replaced without asking", "[view][window][prompt]") {
  TemporarySettings settings;
  QTemporaryDir dir;
  MainWindow w(test::registry());
  REQUIRE(w.openFile(writeCanvas(dir, "canvas.json"), true));
  ModalAnswers answers({ModalAnswers::click(QMessageBox::Cancel)});
  w.action("new")->trigger();
  QTest::qWait(50);
  CHECK(answers.answered() == 0);
  CHECK(w.model().nodeIds().isEmpty());
}

TEST_CASE("opening and saving put files on the recent list newest first and once each",
          "[view][window][recent]") {
  TemporarySettings settings;
  QTemporaryDir dir;
  const QString a = writeCanvas(dir, "a.json"), b = writeCanvas(dir, "b.json"),
                c = writeCanvas(dir, "c.json");
  MainWindow w(test::registry());
  CHECK(recentPaths(w).isEmpty());
  CHECK_FALSE(w.recentMenu()->isEnabled());

  REQUIRE(w.openFile(a, true));
  REQUIRE(w.openFile(b, true));
  REQUIRE(w.openFile(a, true));
  CHECK(recentPaths(w) == QStringList{a, b});
  CHECK(w.recentMenu()->actions().at(0)->text() == "a.json");

  // Saving adds too: c was read without the window, then saved from it.
  REQUIRE(w.model().load(c).isEmpty());
  w.model().setParam("f", "where", "value > 1");
  w.action("save")->trigger();
  CHECK_FALSE(w.model().isDirty());
  CHECK(recentPaths(w) == QStringList{c, a, b});

  // A new window reads the same list (it is kept in the settings).
  MainWindow again(test::registry());
  CHECK(recentPaths(again) == QStringList{c, a, b});

  // Picking one from the menu opens it.
  again.recentMenu()->actions().at(2)->trigger();
  CHECK(again.model().filePath() == b);
  CHECK(recentPaths(again) == QStringList{b, c, a});
}

TEST_CASE("a recent file that is gone is reported clearly and dropped from the list",
          "[view][window][recent]") {
  TemporarySettings settings;
  QTemporaryDir dir;
  const QString a = writeCanvas(dir, "a.json"), b = writeCanvas(dir, "b.json");
  MainWindow w(test::registry());
  REQUIRE(w.openFile(a, true));
  REQUIRE(w.openFile(b, true));
  REQUIRE(QFile::remove(a));

  QString shown;
  ModalAnswers answers({ModalAnswers::click(QMessageBox::Ok, &shown)});
  REQUIRE(recentPaths(w) == QStringList{b, a});
  w.recentMenu()->actions().at(1)->trigger();
  CHECK(answers.answered() == 1);
  CHECK(shown.contains(QDir::toNativeSeparators(a)));
  CHECK(shown.contains("no longer exists"));
  CHECK(recentPaths(w) == QStringList{b});
  CHECK(w.model().filePath() == b); // the open document is untouched
  CHECK(QSettings("sluice", "sluice-editor").value("recentFiles").toStringList() == QStringList{b});
}
