// The SFML window: shows Canvas images as one textured sprite and turns SFML's keyboard events
// into rlsuite's few keys. SFML aborts the process when there is no X display, so the X display
// is connected to first (x_display.hpp) and a problem reported as an rl::Error instead.
#include "sim/render/window.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>

#include <SFML/Graphics.hpp>

#include "core/error.hpp"
#include "sim/render/x_display.hpp"

namespace rl::sim {

namespace {

Key to_key(sf::Keyboard::Key code) {
  if (code >= sf::Keyboard::Num0 && code <= sf::Keyboard::Num9) {
    return static_cast<Key>(static_cast<int>(Key::digit0) + (code - sf::Keyboard::Num0));
  }
  if (code >= sf::Keyboard::Numpad0 && code <= sf::Keyboard::Numpad9) {
    return static_cast<Key>(static_cast<int>(Key::digit0) + (code - sf::Keyboard::Numpad0));
  }
  switch (code) {
    case sf::Keyboard::Space: return Key::space;
    case sf::Keyboard::Enter: return Key::enter;
    case sf::Keyboard::Escape: return Key::escape;
    case sf::Keyboard::Left: return Key::left;
    case sf::Keyboard::Right: return Key::right;
    case sf::Keyboard::Up: return Key::up;
    case sf::Keyboard::Down: return Key::down;
    case sf::Keyboard::Add:
    case sf::Keyboard::Equal: return Key::plus;  // '+' is shift+'=' on most layouts
    case sf::Keyboard::Subtract:
    case sf::Keyboard::Hyphen: return Key::minus;
    case sf::Keyboard::R: return Key::r;
    default: return Key::other;
  }
}

constexpr size_t kKeyCount = static_cast<size_t>(Key::digit9) + 1;

}  // namespace

struct Window::Impl {
  explicit Impl(std::unique_ptr<XConnection> connection) : x_connection(std::move(connection)) {}

  // First, so it is closed last: the X server never loses its last client while SFML connects.
  std::unique_ptr<XConnection> x_connection;
  // Every SFML graphics object connects to the display when constructed, so none may exist
  // before x_connection has been checked.
  sf::RenderWindow window;
  sf::Texture texture;
  sf::Sprite sprite;
  std::array<bool, kKeyCount> held{};
};

Window::Window(const std::string& title, int width, int height) {
  check(width > 0 && height > 0, "cannot open a ", width, "x", height,
        " window: give a positive size");
  auto connection = std::make_unique<XConnection>();
  if (const std::optional<std::string> problem = connection->problem()) {
    throw Error(*problem);
  }
  impl_ = std::make_unique<Impl>(std::move(connection));
  impl_->window.create(sf::VideoMode(static_cast<unsigned>(width), static_cast<unsigned>(height)),
                       title);
  check(impl_->window.isOpen(), "cannot open a ", width, "x", height,
        " window on DISPLAY=", std::getenv("DISPLAY"), ": ", kHowToRunWithoutDisplay);
}

Window::~Window() = default;

bool Window::is_open() const {
  return impl_->window.isOpen();
}

void Window::close() {
  impl_->window.close();
}

int Window::width() const {
  return static_cast<int>(impl_->window.getSize().x);
}

int Window::height() const {
  return static_cast<int>(impl_->window.getSize().y);
}

void Window::show(const Image& image) {
  Impl& m = *impl_;
  if (!m.window.isOpen() || image.width <= 0 || image.height <= 0) {
    return;
  }
  check(
      image.rgba.size() == static_cast<size_t>(image.width) * static_cast<size_t>(image.height) * 4,
      "cannot show a ", image.width, "x", image.height, " image of ", image.rgba.size(),
      " bytes: an RGBA image has width x height x 4");
  const sf::Vector2u size(static_cast<unsigned>(image.width), static_cast<unsigned>(image.height));
  if (m.texture.getSize() != size) {
    check(m.texture.create(size.x, size.y), "cannot make a ", size.x, "x", size.y,
          " texture to show frames in (too large for this OpenGL?)");
    m.sprite.setTexture(m.texture, true);
  }
  m.texture.update(image.rgba.data());
  const sf::Vector2u window_size = m.window.getSize();
  m.sprite.setScale(static_cast<float>(window_size.x) / static_cast<float>(size.x),
                    static_cast<float>(window_size.y) / static_cast<float>(size.y));
  m.window.clear();
  m.window.draw(m.sprite);
  m.window.display();
}

std::vector<WindowEvent> Window::poll() {
  Impl& m = *impl_;
  std::vector<WindowEvent> events;
  sf::Event event;
  while (m.window.isOpen() && m.window.pollEvent(event)) {
    switch (event.type) {
      case sf::Event::KeyPressed:
      case sf::Event::KeyReleased: {
        const bool pressed = event.type == sf::Event::KeyPressed;
        const Key key = to_key(event.key.code);
        m.held[static_cast<size_t>(key)] = pressed;
        events.push_back(
            {pressed ? WindowEvent::Type::key_pressed : WindowEvent::Type::key_released, key, 0,
             0});
        break;
      }
      case sf::Event::Resized: {
        // The view keeps one unit per pixel, so the sprite (scaled to the window in show()) is
        // not stretched a second time by SFML.
        const float w = static_cast<float>(event.size.width);
        const float h = static_cast<float>(event.size.height);
        m.window.setView(sf::View(sf::FloatRect(0, 0, w, h)));
        events.push_back({WindowEvent::Type::resized, Key::other,
                          static_cast<int>(event.size.width), static_cast<int>(event.size.height)});
        break;
      }
      case sf::Event::LostFocus:
        // Keys released while another window has focus never reach us.
        m.held.fill(false);
        break;
      case sf::Event::Closed:
        m.window.close();
        events.push_back({WindowEvent::Type::closed, Key::other, 0, 0});
        break;
      default: break;
    }
  }
  return events;
}

bool Window::held(Key key) const {
  return impl_->held[static_cast<size_t>(key)];
}

Image Window::capture() {
  Impl& m = *impl_;
  Image out;
  if (!m.window.isOpen()) {
    return out;
  }
  const sf::Vector2u size = m.window.getSize();
  sf::Texture frame;
  check(frame.create(size.x, size.y), "cannot capture the ", size.x, "x", size.y,
        " window: no texture that large");
  frame.update(m.window);
  const sf::Image pixels = frame.copyToImage();
  out.resize(static_cast<int>(size.x), static_cast<int>(size.y));
  const sf::Uint8* rgba = pixels.getPixelsPtr();
  std::copy(rgba, rgba + out.rgba.size(), out.rgba.begin());
  for (size_t i = 3; i < out.rgba.size(); i += 4) {
    out.rgba[i] = 255;  // the frame buffer's alpha is not part of the picture
  }
  return out;
}

}  // namespace rl::sim
