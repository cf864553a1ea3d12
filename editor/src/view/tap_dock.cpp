#include "view/tap_dock.hpp"

#include <QCloseEvent>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

#include "run/tap_records_model.hpp"
#include "run/tap_session.hpp"
#include "view/node_style.hpp"

namespace sluice::editor::view {

using run::TapSession;

namespace {

QString count(quint64 n) { return QLocale::system().toString(qulonglong(n)); }

} // namespace

TapDock::TapDock(QWidget* parent) : QDockWidget(tr("Tap"), parent) {
  setObjectName("TapDock");
  session_ = new TapSession(this);

  auto* body = new QWidget(this);
  auto* layout = new QVBoxLayout(body);
  layout->setContentsMargins(6, 4, 6, 4);
  layout->setSpacing(3);

  auto* head = new QHBoxLayout;
  title_ = new QLabel(body);
  title_->setObjectName("tapTitle");
  title_->setTextFormat(Qt::PlainText);
  QFont bold = title_->font();
  bold.setBold(true);
  title_->setFont(bold);
  state_ = new QLabel(body);
  state_->setObjectName("tapState");
  state_->setTextFormat(Qt::RichText);
  head->addWidget(title_);
  head->addSpacing(8);
  head->addWidget(state_);
  head->addStretch(1);
  watermark_ = new QLabel(body);
  watermark_->setObjectName("tapWatermark");
  head->addWidget(watermark_);
  head->addSpacing(12);
  queue_ = new QProgressBar(body);
  queue_->setObjectName("tapQueue");
  queue_->setRange(0, 1000);
  queue_->setFixedWidth(180);
  queue_->setTextVisible(true);
  head->addWidget(queue_);
  layout->addLayout(head);

  auto* second = new QHBoxLayout;
  schema_ = new QLabel(body);
  schema_->setObjectName("tapSchema");
  schema_->setTextFormat(Qt::PlainText);
  schema_->setWordWrap(true);
  schema_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  counters_ = new QLabel(body);
  counters_->setObjectName("tapCounters");
  second->addWidget(schema_, 1);
  second->addSpacing(12);
  second->addWidget(counters_);
  layout->addLayout(second);

  auto* controls = new QHBoxLayout;
  filter_ = new QLineEdit(body);
  filter_->setObjectName("tapFilter");
  filter_->setPlaceholderText(tr("Filter: an expression over the fields, e.g. value > 50 "
                                 "(Enter applies, empty shows every record)"));
  filter_->setClearButtonEnabled(true);
  pause_ = new QPushButton(tr("Pause"), body);
  pause_->setObjectName("tapPause");
  pause_->setCheckable(true);
  clear_ = new QPushButton(tr("Clear"), body);
  clear_->setObjectName("tapClear");
  controls->addWidget(filter_, 1);
  controls->addWidget(pause_);
  controls->addWidget(clear_);
  layout->addLayout(controls);

  error_ = new QLabel(body);
  error_->setObjectName("tapError");
  error_->setTextFormat(Qt::PlainText);
  error_->setWordWrap(true);
  error_->setStyleSheet("color: #c62828");
  error_->hide();
  layout->addWidget(error_);

  table_ = new QTableView(body);
  table_->setObjectName("tapTable");
  table_->setModel(session_->records());
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setAlternatingRowColors(true);
  table_->setWordWrap(false);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->horizontalHeader()->setMinimumSectionSize(64); // "k12" is not cut to "k…"
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 4);
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  QFont mono("DejaVu Sans Mono");
  mono.setStyleHint(QFont::Monospace);
  table_->setFont(mono);
  layout->addWidget(table_, 1);
  setWidget(body);

  connect(session_, &TapSession::changed, this, &TapDock::refresh);
  connect(filter_, &QLineEdit::returnPressed, this,
          [this] { session_->setFilter(filter_->text()); });
  connect(pause_, &QPushButton::toggled, session_, &TapSession::setPaused);
  connect(clear_, &QPushButton::clicked, session_, &TapSession::clear);
  // Follow the newest row unless the user scrolled up to read.
  QScrollBar* bar = table_->verticalScrollBar();
  connect(bar, &QScrollBar::valueChanged, this,
          [this, bar](int value) { follow_ = value >= bar->maximum(); });
  auto* model = session_->records();
  connect(model, &QAbstractItemModel::rowsInserted, this, [this] {
    if (follow_) table_->scrollToBottom();
  });
  connect(model, &QAbstractItemModel::modelReset, this, [this] {
    follow_ = true;
    table_->resizeColumnsToContents();
  });
  connect(model, &QAbstractItemModel::rowsInserted, this, [this, model] {
    // Size the columns to the first records, then leave them to the user.
    if (model->rowCount() <= 20) table_->resizeColumnsToContents();
  });
  refresh();
}

void TapDock::showEdge(const QString& from, const QString& to) {
  show();
  raise();
  session_->setEdge(from, to);
}

void TapDock::closeEvent(QCloseEvent* event) {
  session_->close(); // nobody watches: the edge goes back to costing nothing
  QDockWidget::closeEvent(event);
}

void TapDock::refresh() {
  const TapSession& s = *session_;
  title_->setText(s.edgeName().isEmpty() ? tr("Select an edge of a running pipeline")
                                         : s.edgeName());
  QString state;
  QString color = "#757575";
  switch (s.state()) {
    case TapSession::State::Closed: break;
    case TapSession::State::Waiting: state = tr("waiting for a run"); break;
    case TapSession::State::Opening: state = tr("opening…"); break;
    case TapSession::State::Live:
      state = s.paused() ? tr("paused") : tr("live");
      color = s.paused() ? "#ef6c00" : "#2e7d32";
      break;
    case TapSession::State::Ended:
      state = s.endReason().isEmpty() ? tr("ended") : tr("ended: %1").arg(s.endReason());
      color = "#c62828";
      break;
  }
  state_->setText(
    state.isEmpty()
      ? QString()
      : QStringLiteral("<span style='color:%1'>● %2</span>").arg(color, state.toHtmlEscaped()));

  QStringList fields;
  for (int i = 0; i < s.fieldNames().size(); ++i)
    fields << s.fieldNames()[i] + ": " + s.fieldTypes().value(i);
  schema_->setText(fields.isEmpty() ? QString() : tr("schema  %1").arg(fields.join("  ·  ")));

  const run::TapFigures& f = s.figures();
  QString mark = tr("watermark: –");
  if (f.watermark) {
    const auto t = QDateTime::fromMSecsSinceEpoch(*f.watermark / 1000, Qt::UTC);
    mark = tr("watermark: %1 UTC").arg(t.toString("yyyy-MM-dd HH:mm:ss.zzz"));
    watermark_->setToolTip(f.watermarkTime);
  } else {
    watermark_->setToolTip(tr("none yet (no event time on this edge, or none arrived)"));
  }
  watermark_->setText(f.known ? mark : QString());
  queue_->setVisible(f.known);
  queue_->setValue(int(std::clamp(f.fill, 0.0, 1.0) * 1000));
  queue_->setFormat(tr("queue %1 / %2").arg(count(f.queued), count(f.capacity)));
  queue_->setToolTip(tr("records waiting in the edge's queues: %1 of %2 (%3%)")
                       .arg(count(f.queued), count(f.capacity))
                       .arg(f.fill * 100, 0, 'f', 1));
  const QString fill = style::queueFillColor(f.fill).name();
  if (fill != queueColor_) { // restyled only when the colour changes
    queueColor_ = fill;
    queue_->setStyleSheet(QStringLiteral("QProgressBar { border: 1px solid #bdbdbd; border-radius: "
                                         "3px; text-align: center; background: white; }"
                                         "QProgressBar::chunk { background: %1; }")
                            .arg(fill));
  }
  counters_->setText(
    f.known
      ? tr("seen %1 · sampled %2 · missed %3").arg(count(f.seen), count(f.sampled), count(f.missed))
      : QString());

  // The line keeps what was typed (a refused filter stays to be fixed)
  // until another edge is tapped.
  const QString edge = s.from() + "\x1f" + s.to();
  if (edge != shownEdge_) {
    shownEdge_ = edge;
    filter_->setText(s.filter());
  }
  error_->setText(s.error());
  error_->setVisible(!s.error().isEmpty());
  pause_->setText(s.paused() ? tr("Resume") : tr("Pause"));
  if (pause_->isChecked() != s.paused()) pause_->setChecked(s.paused());
  const bool tapping = s.state() == TapSession::State::Live;
  filter_->setEnabled(!s.from().isEmpty());
  pause_->setEnabled(tapping || s.paused());
}

} // namespace sluice::editor::view
