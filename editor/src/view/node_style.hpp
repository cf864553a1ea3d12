#pragma once

#include <QColor>
#include <QFont>
#include <QString>

namespace sluice::editor::run {
enum class ResumeBadge;
}

namespace sluice::editor::view::style {

// Sizes of the node canvas, in scene units (1 unit = 1 pixel at zoom 1).
// Compact on purpose: a window with three outputs must fit the
// auto-layout's 120-unit row gap.
constexpr qreal nodeMinWidth = 170;
constexpr qreal nodeMaxWidth = 210; ///< the auto-layout's layers are 240 apart
constexpr qreal headerHeight = 34;
constexpr qreal portRowHeight = 15;
constexpr qreal liveRowHeight = 20;
constexpr qreal portRadius = 5.5;
constexpr qreal smallPortRadius = 4; ///< errors / late: visibly secondary
constexpr qreal portHitRadius = 8;   ///< generous, so ports are easy to grab
constexpr qreal cornerRadius = 6;

/// Below this zoom (QStyleOptionGraphicsItem::levelOfDetailFromTransform)
/// text, ports and arrow heads are under a few pixels: items draw only
/// their shapes (node bodies and stripes, thin edges), which keeps panning
/// and zooming a 500-node pipeline at fit-to-view cheap.
constexpr qreal detailLod = 0.35;

/// Header stripe colour by registry category, so kinds read at a glance.
QColor categoryColor(const QString& category);

// Port colours: data ports neutral, `errors` red, `late` orange.
QColor dataPortColor();
QColor errorsPortColor();
QColor latePortColor();

// Flink's job-graph colours (idle blue, busy red, back-pressured grey),
// kept light so the dark text on the node stays readable.
QColor idleColor();
QColor busyColor();
QColor backpressuredColor();
QColor finishedColor();

/// The resume badges: state kept green, new blue, will be reset orange.
QColor resumeBadgeColor(run::ResumeBadge badge);

/// NiFi's queue colours: green < 60 %, yellow < 85 %, red above.
QColor queueFillColor(double fill);

QFont titleFont();
QFont kindFont();
QFont portFont();
QFont liveFont();

/// "950", "12.3k", "4.1M": rates short enough for a node face.
QString shortRate(double perSecond);

} // namespace sluice::editor::view::style
