#include "view/node_style.hpp"

#include "run/resume_check.hpp"

namespace sluice::editor::view::style {

QColor categoryColor(const QString& category) {
  if (category == "source") return QColor(0x2e, 0x7d, 0x32);
  if (category == "transform") return QColor(0x6a, 0x1b, 0x9a);
  if (category == "window") return QColor(0xe6, 0x5c, 0x00);
  if (category == "synopsis") return QColor(0x00, 0x83, 0x8f);
  if (category == "join") return QColor(0x15, 0x65, 0xc0);
  if (category == "sink") return QColor(0x45, 0x5a, 0x64);
  return QColor(0x61, 0x61, 0x61);
}

QColor dataPortColor() { return QColor(0x37, 0x47, 0x4f); }
QColor errorsPortColor() { return QColor(0xd3, 0x2f, 0x2f); }
QColor latePortColor() { return QColor(0xf5, 0x7c, 0x00); }

QColor idleColor() { return QColor(0xcf, 0xe2, 0xf8); }
QColor busyColor() { return QColor(0xf2, 0x9a, 0x92); }
QColor backpressuredColor() { return QColor(0xb8, 0xb8, 0xb8); }
QColor finishedColor() { return QColor(0xee, 0xee, 0xee); }

QColor resumeBadgeColor(run::ResumeBadge badge) {
  switch (badge) {
    case run::ResumeBadge::StateKept: return QColor(0x2e, 0x7d, 0x32);
    case run::ResumeBadge::New: return QColor(0x15, 0x65, 0xc0);
    case run::ResumeBadge::WillReset: return QColor(0xe6, 0x51, 0x00);
    case run::ResumeBadge::None: break;
  }
  return QColor(0x61, 0x61, 0x61);
}

QColor queueFillColor(double fill) {
  if (fill < 0.60) return QColor(0x43, 0xa0, 0x47);
  if (fill < 0.85) return QColor(0xfb, 0xc0, 0x2d);
  return QColor(0xe5, 0x39, 0x35);
}

static QFont sized(int pixelSize, bool bold) {
  QFont f;
  f.setPixelSize(pixelSize);
  f.setBold(bold);
  return f;
}

QFont titleFont() { return sized(13, true); }
QFont kindFont() { return sized(10, false); }
QFont portFont() { return sized(10, false); }
QFont liveFont() { return sized(10, true); }

QString shortRate(double v) {
  if (v >= 1e6) return QString::number(v / 1e6, 'f', 1) + "M";
  if (v >= 1e4) return QString::number(v / 1e3, 'f', 0) + "k";
  if (v >= 1e3) return QString::number(v / 1e3, 'f', 1) + "k";
  return QString::number(v, 'f', v < 10 && v > 0 ? 1 : 0);
}

} // namespace sluice::editor::view::style
