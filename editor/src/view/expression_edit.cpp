#include "view/expression_edit.hpp"

#include <QLabel>
#include <QPlainTextEdit>
#include <QTextBlock>
#include <QVBoxLayout>

#include "view/runtime_headers.hpp"

namespace sluice::editor::view {

ExpressionEdit::ExpressionEdit(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  edit_ = new QPlainTextEdit(this);
  edit_->setObjectName("expression");
  QFont mono("DejaVu Sans Mono");
  mono.setStyleHint(QFont::Monospace);
  edit_->setFont(mono);
  edit_->setTabChangesFocus(true);
  edit_->setLineWrapMode(QPlainTextEdit::WidgetWidth);
  const int line = edit_->fontMetrics().lineSpacing();
  edit_->setFixedHeight(line * 3 + 10);
  message_ = new QLabel(this);
  message_->setWordWrap(true);
  message_->setStyleSheet("color: #c62828;");
  message_->hide();
  layout->addWidget(edit_);
  layout->addWidget(message_);
  connect(edit_, &QPlainTextEdit::textChanged, this, [this] {
    validate();
    if (!settingText_) Q_EMIT textEdited(text());
  });
}

void ExpressionEdit::setSchema(core::schema_ptr schema) {
  schema_ = std::move(schema);
  if (schema_) {
    QStringList fields;
    for (const core::field& f : schema_->fields())
      fields << QString::fromStdString(f.name + ": " + std::string(core::name_of(f.type)));
    edit_->setToolTip("Fields: " + fields.join(", "));
  }
  validate();
}

void ExpressionEdit::setText(const QString& text) {
  settingText_ = true;
  edit_->setPlainText(text);
  settingText_ = false;
}

QString ExpressionEdit::text() const { return edit_->toPlainText(); }

QString ExpressionEdit::check(const QString& text, const core::schema& schema, int* column) {
  *column = 0;
  try {
    core::expr::compiled_expression::compile(text.toStdString(), schema);
    return {};
  } catch (const core::expr::expression_error& e) {
    *column = int(e.position());
    return QString::fromStdString(e.what());
  } catch (const std::exception& e) {
    *column = 1;
    return QString::fromStdString(e.what());
  }
}

void ExpressionEdit::validate() {
  if (!schema_) {
    // Nothing to compile against; keep whatever the validator said.
    if (text().trimmed().isEmpty()) showError(0, {});
    return;
  }
  if (text().trimmed().isEmpty()) {
    showError(0, {});
    return;
  }
  int column = 0;
  QString message = check(text(), *schema_, &column);
  showError(message.isEmpty() ? 0 : std::max(column, 1), message);
}

void ExpressionEdit::setExternalError(int column, const QString& message) {
  if (schema_) return; // the local check is more precise and newer
  // An empty expression has no column to point at ("missing required param").
  showError(message.isEmpty() || text().trimmed().isEmpty() ? 0 : std::max(column, 1), message);
}

void ExpressionEdit::showError(int column, const QString& message) {
  errorColumn_ = column;
  errorMessage_ = message;
  QList<QTextEdit::ExtraSelection> marks;
  if (column > 0) {
    // Columns count characters of the whole text (bytes for ASCII), so map
    // through the document, lines included.
    const QString t = text();
    int start = std::min(column - 1, std::max<int>(0, t.size() - 1));
    int end = start + 1;
    while (end < t.size() && !t[end].isSpace() && t[end] != ')' && t[end] != ',') ++end;
    QTextEdit::ExtraSelection mark;
    mark.cursor = QTextCursor(edit_->document());
    mark.cursor.setPosition(start);
    mark.cursor.setPosition(std::min<int>(end, t.size()), QTextCursor::KeepAnchor);
    mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    mark.format.setUnderlineColor(Qt::red);
    mark.format.setBackground(QColor(0xff, 0xd7, 0xd7));
    marks << mark;
    message_->setText(QString("column %1: %2").arg(column).arg(message));
    message_->show();
  } else if (!message.isEmpty()) {
    message_->setText(message);
    message_->show();
  } else {
    message_->clear();
    message_->hide();
  }
  edit_->setExtraSelections(marks);
}

} // namespace sluice::editor::view
