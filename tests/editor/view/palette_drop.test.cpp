#include <catch2/catch.hpp>

#include <QDropEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QWheelEvent>

#include "view/node_item.hpp"
#include "view/operator_mime.hpp"
#include "view/palette_dock.hpp"
#include "view/quick_add_popup.hpp"
#include "view_helpers.hpp"

using namespace sluice;
using namespace sluice::editor::view;

TEST_CASE("the palette lists every operator by category and drags carry the kind",
          "[view][palette]") {
  PaletteDock palette(test::registry());
  CHECK(palette.visibleKinds().size() == int(test::registry().all().size()));
  QTreeWidgetItem* item = palette.itemForKind("transform.filter");
  REQUIRE(item);
  CHECK(item->parent()->text(0) == "transform");
  std::unique_ptr<QMimeData> data(palette.tree()->mimeData({item}));
  REQUIRE(data);
  CHECK(data->hasFormat(operatorMimeType));
  CHECK(operatorKindFrom(data.get()) == "transform.filter");
}

TEST_CASE("the palette search filters by kind and by summary", "[view][palette]") {
  PaletteDock palette(test::registry());
  palette.searchEdit()->setText("tumbl");
  CHECK(palette.visibleKinds().contains("window.tumbling"));
  CHECK_FALSE(palette.visibleKinds().contains("source.file"));
  palette.searchEdit()->setText("");
  CHECK(palette.visibleKinds().size() == int(test::registry().all().size()));
  // A word only in a summary still finds the operator.
  const auto* filter = test::registry().find("transform.filter");
  const QString word = QString::fromStdString(filter->summary).section(' ', 0, 0);
  palette.searchEdit()->setText(word);
  CHECK(palette.visibleKinds().contains("transform.filter"));
}

TEST_CASE("dropping a palette entry on the view adds that node at the drop position",
          "[view][palette]") {
  test::Canvas c;
  std::unique_ptr<QMimeData> data(operatorMimeData("sink.stdout"));
  const QPointF where(300, 420);
  const QPoint local = c.at(where);
  QDragEnterEvent enter(local, Qt::CopyAction, data.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(c.viewport(), &enter);
  CHECK(enter.isAccepted());
  QDropEvent drop(local, Qt::CopyAction, data.get(), Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(c.viewport(), &drop);

  REQUIRE(c.model.node("stdout"));
  CHECK(c.model.node("stdout")->kind == "sink.stdout");
  const QPointF pos = c.model.position("stdout");
  CHECK(std::abs(pos.x() - where.x()) <= 1);
  CHECK(std::abs(pos.y() - where.y()) <= 1);
  REQUIRE(c.scene->nodeItem("stdout"));
  CHECK(c.scene->selectedNodeIds() == QStringList{"stdout"});
}

TEST_CASE("quick-add filters as you type and Enter places the operator", "[view][quickadd]") {
  test::Canvas c;
  c.view->openQuickAdd(QPointF(100, 500));
  QuickAddPopup* popup = c.view->quickAddPopup();
  REQUIRE(popup->isVisible());
  QTest::keyClicks(popup->searchEdit(), "dedupe");
  CHECK(popup->visibleKinds() == QStringList{"transform.dedupe"});
  QTest::keyClick(popup->searchEdit(), Qt::Key_Return);
  CHECK_FALSE(popup->isVisible());
  REQUIRE(c.model.node("dedupe"));
  CHECK(c.model.position("dedupe") == QPointF(100, 500));
}

TEST_CASE("double-clicking empty canvas opens quick-add", "[view][quickadd]") {
  test::Canvas c;
  QTest::mouseDClick(c.viewport(), Qt::LeftButton, {}, c.at(QPointF(100, 600)));
  CHECK(c.view->quickAddPopup()->isVisible());
  c.view->quickAddPopup()->hide();
}

TEST_CASE("the wheel zooms, zoomIn/zoomOut step and fit shows everything", "[view][zoom]") {
  test::Canvas c;
  const qreal start = c.view->zoom();
  QWheelEvent wheel(QPointF(300, 300), c.viewport()->mapToGlobal(QPoint(300, 300)), QPoint(),
                    QPoint(0, 120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
  QApplication::sendEvent(c.viewport(), &wheel);
  CHECK(c.view->zoom() > start);
  c.view->zoomOut();
  c.view->zoomOut();
  CHECK(c.view->zoom() < start);
  c.view->fitToView();
  const QRectF visible = c.view->mapToScene(c.viewport()->rect()).boundingRect();
  CHECK(visible.contains(c.scene->contentRect().adjusted(20, 20, -20, -20)));
}

TEST_CASE("holding space turns dragging into panning", "[view][zoom]") {
  test::Canvas c;
  c.view->setFocus();
  QTest::keyPress(c.view.get(), Qt::Key_Space);
  CHECK(c.view->dragMode() == QGraphicsView::ScrollHandDrag);
  QTest::keyRelease(c.view.get(), Qt::Key_Space);
  CHECK(c.view->dragMode() == QGraphicsView::RubberBandDrag);
}
