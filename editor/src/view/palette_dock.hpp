#pragma once

#include <QDockWidget>
#include <QTreeWidget>

class QLineEdit;

namespace sluice::core {
class registry;
}

namespace sluice::editor::view {

/// The palette's tree: drags carry the operator kind (operator_mime.hpp).
class PaletteTree : public QTreeWidget {
  Q_OBJECT

public:
  using QTreeWidget::QTreeWidget;
  /// Public so tests can check what a drag would carry.
  QMimeData* mimeData(const QList<QTreeWidgetItem*>& items) const override;
  QStringList mimeTypes() const override;
};

/// Operators from the registry by category, filtered by a search box
/// (kind or summary). Drag an entry onto the canvas, or double-click it to
/// add it at the centre of the view (operatorActivated).
class PaletteDock : public QDockWidget {
  Q_OBJECT

public:
  explicit PaletteDock(const core::registry& registry, QWidget* parent = nullptr);

  QLineEdit* searchEdit() const { return search_; }
  PaletteTree* tree() const { return tree_; }
  QTreeWidgetItem* itemForKind(const QString& kind) const;
  /// The kinds shown under the current filter.
  QStringList visibleKinds() const;

signals:
  void operatorActivated(const QString& kind);

private:
  void filter(const QString& text);

  QLineEdit* search_;
  PaletteTree* tree_;
};

} // namespace sluice::editor::view
