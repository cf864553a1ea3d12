// sluice-editor [FILE]                 opens the editor window
// sluice-editor --render FILE OUT.png  draws FILE into a PNG, no display needed

#include <QApplication>
#include <QStringList>

#include <cstdio>
#include <cstring>

#include "app/main_window.hpp"
#include "app/render_command.hpp"
#include "view/runtime_headers.hpp"

int main(int argc, char** argv) {
  const bool render = argc > 1 && std::strcmp(argv[1], "--render") == 0;
  if (render && argc != 4) {
    std::fprintf(stderr, "usage: sluice-editor --render FILE OUT.png\n");
    return 2;
  }
  // Rendering needs no display: use the offscreen platform unless the
  // user chose one.
  if (render && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
    qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  QApplication::setApplicationName("sluice-editor");
  QApplication::setOrganizationName("sluice");
  const sluice::core::registry& registry = sluice::ops::builtin_registry();

  const QStringList args = QApplication::arguments();
  if (render) return sluice::editor::app::renderCommand(registry, args.at(2), args.at(3));
  if (args.size() > 2 || (args.size() == 2 && args.at(1).startsWith("-"))) {
    std::fprintf(stderr,
                 "usage: sluice-editor [FILE]\n       sluice-editor --render FILE OUT.png\n");
    return 2;
  }

  sluice::editor::app::MainWindow window(registry);
  if (args.size() == 2 && !window.openFile(args.at(1), true)) {
    std::fprintf(stderr, "sluice-editor: cannot open %s\n", qPrintable(args.at(1)));
    window.show();
    return app.exec() == 0 ? 0 : 1;
  }
  window.show();
  return app.exec();
}
