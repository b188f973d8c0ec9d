#include "views/panel_scroll_area.h"

#include <QEvent>
#include <QScrollBar>

namespace recdiff::views {

PanelScrollArea::PanelScrollArea(QWidget* panel, QWidget* parent) : QScrollArea(parent) {
  setFrameShape(QFrame::NoFrame);
  setWidgetResizable(false);  // fitPanel() sizes it
  setWidget(panel);
  panel->installEventFilter(this);
  fitPanel();
}

QSize PanelScrollArea::sizeHint() const { return widget() ? widget()->sizeHint() : QScrollArea::sizeHint(); }

void PanelScrollArea::resizeEvent(QResizeEvent* event) {
  QScrollArea::resizeEvent(event);
  fitPanel();
}

bool PanelScrollArea::eventFilter(QObject* watched, QEvent* event) {
  // The panel's minimum size may have changed (rows added, a label grown).
  if (watched == widget() && event->type() == QEvent::LayoutRequest) fitPanel();
  return QScrollArea::eventFilter(watched, event);
}

void PanelScrollArea::fitPanel() {
  QWidget* panel = widget();
  if (!panel) return;
  const QSize minimum = panel->minimumSizeHint().expandedTo(panel->minimumSize());
  QSize room = maximumViewportSize();
  // A scroll bar in one direction takes room from the other.
  const bool scrollsSideways = minimum.width() > room.width();
  const bool scrollsDown = minimum.height() > room.height();
  if (scrollsSideways) room.rheight() -= horizontalScrollBar()->sizeHint().height();
  if (scrollsDown) room.rwidth() -= verticalScrollBar()->sizeHint().width();
  const QSize size = room.expandedTo(minimum);
  if (panel->size() != size) panel->resize(size);
}

}  // namespace recdiff::views
