#include "views/log_panel.h"

#include <QTime>

namespace recdiff::views {

LogPanel::LogPanel(QWidget* parent) : QPlainTextEdit(parent) {
  setObjectName("logPanel");
  setReadOnly(true);
  setMaximumBlockCount(5000);
  setLineWrapMode(QPlainTextEdit::WidgetWidth);
  QFont mono("Monospace");
  mono.setStyleHint(QFont::TypeWriter);
  mono.setPointSizeF(font().pointSizeF() * 0.95);
  setFont(mono);
}

void LogPanel::append(const QString& message, Level level) {
  const QString prefix = level == Level::Error ? "error: " : level == Level::Warning ? "warning: " : QString();
  const QString colour = level == Level::Error ? "#b00020" : level == Level::Warning ? "#8a5a00" : "#202124";
  appendHtml(QString("<span style='color:#5f6368'>%1</span> <span style='color:%2'>%3</span>")
                 .arg(QTime::currentTime().toString("HH:mm:ss"), colour, (prefix + message).toHtmlEscaped()));
}

}  // namespace recdiff::views
