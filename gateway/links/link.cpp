#include "gateway/links/link.h"

#include <asio/post.hpp>

namespace ampgate::gateway::links {

void LoopPost::operator()(std::function<void()> fn) const {
  asio::post(*io_, [open = open_, fn = std::move(fn)] {
    if (open->load()) fn();
  });
}

}  // namespace ampgate::gateway::links
