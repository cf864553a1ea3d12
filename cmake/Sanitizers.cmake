# SANITIZE=address,undefined (or thread) instruments every target.
set(SANITIZE "" CACHE STRING "Comma-separated sanitizers, e.g. address,undefined or thread")
if(SANITIZE)
  add_compile_options(-fsanitize=${SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${SANITIZE})
endif()
