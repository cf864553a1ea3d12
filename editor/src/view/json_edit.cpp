#include "view/json_edit.hpp"

#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

#include "view/property_context.hpp"

namespace sluice::editor::view {

JsonEdit::JsonEdit(const nlohmann::json& value, QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  edit_ = new QPlainTextEdit(this);
  QFont mono("DejaVu Sans Mono");
  mono.setStyleHint(QFont::Monospace);
  edit_->setFont(mono);
  edit_->setTabChangesFocus(true);
  // Short values on one line ("10s"), bigger ones pretty-printed.
  std::string text = value.is_null() ? std::string() : value.dump();
  if (text.size() > 40) text = value.dump(2);
  edit_->setPlainText(QString::fromStdString(text));
  const int lines = std::clamp(int(edit_->document()->blockCount()), 2, 8);
  edit_->setFixedHeight(edit_->fontMetrics().lineSpacing() * lines + 12);
  message_ = new QLabel(this);
  message_->setStyleSheet("color: #c62828;");
  message_->setWordWrap(true);
  message_->hide();
  layout->addWidget(edit_);
  layout->addWidget(message_);
  connect(edit_, &QPlainTextEdit::textChanged, this, [this] {
    const QString t = edit_->toPlainText();
    try {
      if (!t.trimmed().isEmpty()) {
        const auto parsed = nlohmann::json::parse(t.toStdString());
        (void)parsed;
      }
      valid_ = true;
      message_->hide();
      markInvalid(edit_, false);
      Q_EMIT valueChanged(t);
    } catch (const nlohmann::json::parse_error& e) {
      valid_ = false;
      message_->setText(tr("not valid JSON: %1").arg(QString::fromStdString(e.what())));
      message_->show();
      markInvalid(edit_, true, message_->text());
    }
  });
}

} // namespace sluice::editor::view
