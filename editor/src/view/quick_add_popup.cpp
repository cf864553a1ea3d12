#include "view/quick_add_popup.hpp"

#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

#include "view/runtime_headers.hpp"

namespace sluice::editor::view {

QuickAddPopup::QuickAddPopup(const core::registry& registry, QWidget* parent)
  : QFrame(parent, Qt::Popup) {
  setFrameStyle(QFrame::StyledPanel | QFrame::Raised);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  search_ = new QLineEdit(this);
  search_->setPlaceholderText(tr("Add operator… (type to search)"));
  search_->setClearButtonEnabled(true);
  list_ = new QListWidget(this);
  list_->setMinimumSize(320, 260);
  layout->addWidget(search_);
  layout->addWidget(list_);
  for (const core::descriptor& d : registry.all()) {
    auto* item = new QListWidgetItem(QString::fromStdString(d.kind) + "  —  "
                                     + QString::fromStdString(d.summary));
    item->setData(Qt::UserRole, QString::fromStdString(d.kind));
    item->setToolTip(QString::fromStdString(d.summary));
    list_->addItem(item);
  }
  connect(search_, &QLineEdit::textChanged, this, &QuickAddPopup::filter);
  connect(search_, &QLineEdit::returnPressed, this, &QuickAddPopup::choose);
  connect(list_, &QListWidget::itemActivated, this, &QuickAddPopup::choose);
  connect(list_, &QListWidget::itemClicked, this, &QuickAddPopup::choose);
  search_->installEventFilter(this);
  filter({});
}

void QuickAddPopup::popup(QPoint globalPos) {
  search_->clear();
  filter({});
  move(globalPos);
  show();
  search_->setFocus();
}

QStringList QuickAddPopup::visibleKinds() const {
  QStringList kinds;
  for (int i = 0; i < list_->count(); ++i)
    if (!list_->item(i)->isHidden()) kinds << list_->item(i)->data(Qt::UserRole).toString();
  return kinds;
}

void QuickAddPopup::filter(const QString& text) {
  QListWidgetItem* first = nullptr;
  for (int i = 0; i < list_->count(); ++i) {
    QListWidgetItem* item = list_->item(i);
    bool match = text.isEmpty() || item->text().contains(text, Qt::CaseInsensitive);
    item->setHidden(!match);
    if (match && !first) first = item;
  }
  list_->setCurrentItem(first);
}

void QuickAddPopup::choose() {
  QListWidgetItem* item = list_->currentItem();
  if (!item || item->isHidden()) return;
  const QString kind = item->data(Qt::UserRole).toString();
  hide();
  Q_EMIT chosen(kind);
}

bool QuickAddPopup::eventFilter(QObject* watched, QEvent* event) {
  // Up/Down in the search field move through the list, as in a launcher.
  if (watched == search_ && event->type() == QEvent::KeyPress) {
    auto* key = static_cast<QKeyEvent*>(event);
    if (key->key() == Qt::Key_Down || key->key() == Qt::Key_Up) {
      int row = list_->currentRow();
      int step = key->key() == Qt::Key_Down ? 1 : -1;
      for (int r = row + step; r >= 0 && r < list_->count(); r += step)
        if (!list_->item(r)->isHidden()) {
          list_->setCurrentRow(r);
          break;
        }
      return true;
    }
  }
  return QFrame::eventFilter(watched, event);
}

} // namespace sluice::editor::view
