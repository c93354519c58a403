#pragma once
// The web page's files (api/web/*), compiled into the binary at build time so that the page
// works offline: no CDN, no files to install next to the gateway.
#include <string_view>

namespace ampgate::api {

struct Asset {
  std::string_view name;          // file name, e.g. "app.js"
  std::string_view content_type;
  std::string_view body;
};

const Asset* find_asset(std::string_view name);  // nullptr when there is none

}  // namespace ampgate::api
