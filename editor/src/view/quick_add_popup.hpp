#pragma once

#include <QFrame>

class QLineEdit;
class QListWidget;

namespace sluice::core {
class registry;
}

namespace sluice::editor::view {

/// A small popup at the cursor to add an operator without the palette:
/// type to filter by kind or summary, Enter (or a click) chooses.
class QuickAddPopup : public QFrame {
  Q_OBJECT

public:
  explicit QuickAddPopup(const core::registry& registry, QWidget* parent = nullptr);

  /// Shows the popup with its top-left at `globalPos`, search text cleared.
  void popup(QPoint globalPos);
  QLineEdit* searchEdit() const { return search_; }
  QListWidget* list() const { return list_; }
  /// The kinds currently listed, in order.
  QStringList visibleKinds() const;

signals:
  void chosen(const QString& kind);

protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

private:
  void filter(const QString& text);
  void choose();

  QLineEdit* search_;
  QListWidget* list_;
};

} // namespace sluice::editor::view
