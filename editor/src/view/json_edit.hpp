#pragma once

#include <QWidget>

#include <nlohmann/json.hpp>

class QLabel;
class QPlainTextEdit;

namespace sluice::editor::view {

/// The fallback for `json` params: text validated as JSON while typing;
/// valueChanged only fires with valid JSON (empty text = null).
class JsonEdit : public QWidget {
  Q_OBJECT

public:
  JsonEdit(const nlohmann::json& value, QWidget* parent = nullptr);

  QPlainTextEdit* editor() const { return edit_; }
  bool isValid() const { return valid_; }

signals:
  void valueChanged(const QString& json);

private:
  QPlainTextEdit* edit_;
  QLabel* message_;
  bool valid_ = true;
};

} // namespace sluice::editor::view
