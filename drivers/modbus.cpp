#include "drivers/modbus.h"

namespace ampgate::modbus {

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::ok: return "ok";
    case Outcome::timeout: return "timeout";
    case Outcome::bad_frame: return "bad frame";
    case Outcome::exception: return "exception";
    case Outcome::io_error: return "i/o error";
    case Outcome::backed_off: return "backed off";
  }
  return "unknown";
}

}  // namespace ampgate::modbus
