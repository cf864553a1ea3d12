# SANITIZE=address,undefined (or thread) instruments every target. Undefined
# behaviour aborts the test that hits it instead of printing and going on,
# so a sanitizer report always fails a test.
set(SANITIZE "" CACHE STRING "Comma-separated sanitizers, e.g. address,undefined or thread")
if(SANITIZE)
  add_compile_options(-fsanitize=${SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${SANITIZE})
  if(SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
endif()
