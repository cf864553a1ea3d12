#include "view/palette_dock.hpp"

#include <QHeaderView>
#include <QLineEdit>
#include <QMap>
#include <QVBoxLayout>

#include "view/node_style.hpp"
#include "view/operator_mime.hpp"
#include "view/runtime_headers.hpp"

namespace sluice::editor::view {

namespace {
constexpr int kindRole = Qt::UserRole;
constexpr int summaryRole = Qt::UserRole + 1;
} // namespace

QMimeData* PaletteTree::mimeData(const QList<QTreeWidgetItem*>& items) const {
  for (QTreeWidgetItem* i : items) {
    const QString kind = i->data(0, kindRole).toString();
    if (!kind.isEmpty()) return operatorMimeData(kind);
  }
  return nullptr;
}

QStringList PaletteTree::mimeTypes() const { return {operatorMimeType}; }

PaletteDock::PaletteDock(const core::registry& registry, QWidget* parent)
  : QDockWidget(tr("Operators"), parent) {
  setObjectName("PaletteDock");
  auto* box = new QWidget(this);
  auto* layout = new QVBoxLayout(box);
  layout->setContentsMargins(4, 4, 4, 4);
  search_ = new QLineEdit(box);
  search_->setPlaceholderText(tr("Search operators…"));
  search_->setClearButtonEnabled(true);
  tree_ = new PaletteTree(box);
  tree_->setHeaderHidden(true);
  tree_->setDragEnabled(true);
  tree_->setDragDropMode(QAbstractItemView::DragOnly);
  tree_->setSelectionMode(QAbstractItemView::SingleSelection);
  layout->addWidget(search_);
  layout->addWidget(tree_);
  setWidget(box);

  // Categories in the order a pipeline reads: sources first, sinks last.
  const QStringList order{"source", "transform", "window", "synopsis", "join", "sink"};
  QMap<int, QTreeWidgetItem*> byRank;
  QMap<QString, QTreeWidgetItem*> categories;
  for (const core::descriptor& d : registry.all()) {
    const QString category = QString::fromStdString(d.category);
    QTreeWidgetItem*& cat = categories[category];
    if (!cat) {
      cat = new QTreeWidgetItem({category});
      cat->setFlags(Qt::ItemIsEnabled);
      QFont f = cat->font(0);
      f.setBold(true);
      cat->setFont(0, f);
      cat->setForeground(0, style::categoryColor(category));
      int rank = order.indexOf(category);
      byRank.insert(rank < 0 ? 100 + byRank.size() : rank, cat);
    }
    const QString kind = QString::fromStdString(d.kind);
    const QString summary = QString::fromStdString(d.summary);
    auto* item = new QTreeWidgetItem(cat, {kind});
    item->setData(0, kindRole, kind);
    item->setData(0, summaryRole, summary);
    item->setToolTip(0, summary);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
  }
  for (QTreeWidgetItem* cat : byRank) tree_->addTopLevelItem(cat);
  tree_->expandAll();

  connect(search_, &QLineEdit::textChanged, this, &PaletteDock::filter);
  connect(tree_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
    const QString kind = item->data(0, kindRole).toString();
    if (!kind.isEmpty()) Q_EMIT operatorActivated(kind);
  });
}

QTreeWidgetItem* PaletteDock::itemForKind(const QString& kind) const {
  for (int c = 0; c < tree_->topLevelItemCount(); ++c) {
    QTreeWidgetItem* cat = tree_->topLevelItem(c);
    for (int i = 0; i < cat->childCount(); ++i)
      if (cat->child(i)->data(0, kindRole).toString() == kind) return cat->child(i);
  }
  return nullptr;
}

QStringList PaletteDock::visibleKinds() const {
  QStringList kinds;
  for (int c = 0; c < tree_->topLevelItemCount(); ++c) {
    QTreeWidgetItem* cat = tree_->topLevelItem(c);
    for (int i = 0; i < cat->childCount(); ++i)
      if (!cat->child(i)->isHidden()) kinds << cat->child(i)->data(0, kindRole).toString();
  }
  return kinds;
}

void PaletteDock::filter(const QString& text) {
  for (int c = 0; c < tree_->topLevelItemCount(); ++c) {
    QTreeWidgetItem* cat = tree_->topLevelItem(c);
    bool any = false;
    for (int i = 0; i < cat->childCount(); ++i) {
      QTreeWidgetItem* item = cat->child(i);
      bool match = text.isEmpty()
                   || item->data(0, kindRole).toString().contains(text, Qt::CaseInsensitive)
                   || item->data(0, summaryRole).toString().contains(text, Qt::CaseInsensitive);
      item->setHidden(!match);
      any = any || match;
    }
    cat->setHidden(!any);
  }
}

} // namespace sluice::editor::view
