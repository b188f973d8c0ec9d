#include "views/error_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace recdiff::views {

ErrorBanner::ErrorBanner(QWidget* parent) : QFrame(parent) {
  setObjectName("errorBanner");
  setFrameShape(QFrame::StyledPanel);
  setAutoFillBackground(true);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(8, 6, 4, 6);
  icon_ = new QLabel(this);
  icon_->setAlignment(Qt::AlignTop);
  label_ = new QLabel(this);
  label_->setObjectName("errorBannerText");
  label_->setWordWrap(true);
  label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  label_->setTextFormat(Qt::RichText);
  label_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  close_ = new QToolButton(this);
  close_->setAutoRaise(true);
  close_->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
  close_->setToolTip(tr("Dismiss this message"));
  layout->addWidget(icon_, 0, Qt::AlignTop);
  layout->addWidget(label_, 1);
  layout->addWidget(close_, 0, Qt::AlignTop);
  connect(close_, &QToolButton::clicked, this, [this] {
    clear();
    Q_EMIT dismissed();
  });
  hide();
}

void ErrorBanner::showMessage(const QString& title, const QString& details, Kind kind) {
  kind_ = kind;
  plain_ = details.isEmpty() ? title : title + "\n" + details;
  QString html = "<b>" + title.toHtmlEscaped() + "</b>";
  if (!details.isEmpty()) {
    html += "<br>" + details.toHtmlEscaped().replace("\n", "<br>");
  }
  label_->setText(html);
  QStyle::StandardPixmap pixmap = QStyle::SP_MessageBoxCritical;
  const char* kindName = "error";
  if (kind == Kind::Warning) {
    pixmap = QStyle::SP_MessageBoxWarning;
    kindName = "warning";
  } else if (kind == Kind::Info) {
    pixmap = QStyle::SP_MessageBoxInformation;
    kindName = "info";
  }
  icon_->setPixmap(style()->standardIcon(pixmap).pixmap(24, 24));
  setProperty("kind", kindName);
  // Colours come from the style sheet's [kind="..."] selectors; re-polish so
  // a change of kind takes effect, with a palette fallback when no sheet is set.
  QPalette p = palette();
  const QColor background = kind == Kind::Error     ? QColor(0xfd, 0xe2, 0xe1)
                            : kind == Kind::Warning ? QColor(0xff, 0xf3, 0xcd)
                                                    : QColor(0xdd, 0xeb, 0xf7);
  p.setColor(QPalette::Window, background);
  p.setColor(QPalette::WindowText, QColor(0x21, 0x21, 0x21));
  setPalette(p);
  style()->unpolish(this);
  style()->polish(this);
  show();
}

void ErrorBanner::clear() {
  plain_.clear();
  label_->clear();
  hide();
}

QString ErrorBanner::text() const { return plain_; }

}  // namespace recdiff::views
