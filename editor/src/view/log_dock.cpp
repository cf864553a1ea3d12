#include "view/log_dock.hpp"

#include <QPlainTextEdit>
#include <QTime>

namespace sluice::editor::view {

LogDock::LogDock(QWidget* parent) : QDockWidget(tr("Log"), parent) {
  setObjectName("LogDock");
  text_ = new QPlainTextEdit(this);
  text_->setReadOnly(true);
  text_->setMaximumBlockCount(5000); // bounded, like everything in a stream
  QFont mono("DejaVu Sans Mono");
  mono.setStyleHint(QFont::Monospace);
  text_->setFont(mono);
  setWidget(text_);
}

void LogDock::append(const QString& html) {
  text_->appendHtml("<span style='color:#757575'>" + QTime::currentTime().toString("HH:mm:ss")
                    + "</span> " + html);
}

void LogDock::appendMessage(const QString& text) { append(text.toHtmlEscaped()); }

void LogDock::appendError(const QString& node, const QString& message) {
  append("<span style='color:#c62828'><b>" + (node.isEmpty() ? tr("error") : node.toHtmlEscaped())
         + ":</b> " + message.toHtmlEscaped() + "</span>");
}

void LogDock::clear() { text_->clear(); }

} // namespace sluice::editor::view
