/* Compiled as C: sm120rt.h is valid C, and its error path works from C. */

#include "sm120rt/sm120rt.h"

#include <stdio.h>
#include <string.h>

int main(void) {
  const char *dir = "/nonexistent/sm120rt-c-test";
  sm120rt_bundle *bundle = (sm120rt_bundle *)&dir; /* must be reset */
  sm120rt_status status = sm120rt_bundle_load_dir(dir, &bundle);
  const char *message = sm120rt_last_error();
  sm120rt_tensor tensor = {NULL, SM120RT_DTYPE_F8E4M3, 0, NULL, NULL};

  printf("sm120rt_bundle_load_dir(\"%s\"): %s: %s\n", dir,
         sm120rt_status_name(status), message);
  if (status != SM120RT_MISSING_FILE || bundle != NULL) {
    fprintf(stderr, "expected SM120RT_MISSING_FILE and a NULL bundle\n");
    return 1;
  }
  if (strstr(message, "/nonexistent/sm120rt-c-test/manifest.json") == NULL) {
    fprintf(stderr, "last error does not name the manifest path\n");
    return 1;
  }
  status = sm120rt_kernel_launch(NULL, &tensor, 1, NULL);
  if (status != SM120RT_INVALID_ARGUMENT) {
    fprintf(stderr, "launch with a NULL kernel returned %s\n",
            sm120rt_status_name(status));
    return 1;
  }
  sm120rt_bundle_destroy(NULL);
  sm120rt_kernel_destroy(NULL);
  return 0;
}
