// The editor's tests need a QApplication (widgets, clipboard, timers); they
// run headless on the offscreen platform unless told otherwise.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <QApplication>
#include <QStandardPaths>

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  // Settings (recent files) and other standard paths go to test locations,
  // never to the user's own configuration.
  QStandardPaths::setTestModeEnabled(true);
  QApplication app(argc, argv);
  return Catch::Session().run(argc, argv);
}
