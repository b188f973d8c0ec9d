// The Studio's session loader on any bytes: a SessionError is the only
// acceptable failure (the Studio shows it and keeps running).
#include "app/studio/session_document.h"
#include "fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace recdiff;
  const std::string path = fuzz::writeInput("session.rdsession", data, size);
  try {
    studio::loadSessionFile(QString::fromStdString(path));
  } catch (const studio::SessionError&) {
  }
  return 0;
}
