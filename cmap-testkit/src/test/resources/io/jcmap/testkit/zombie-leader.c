/*
 * A process whose leader thread exits first: the leader turns zombie while a second thread
 * still runs and holds a Unix socket, as a multi-threaded corosync does for a moment after
 * SIGKILL. The second thread binds the socket to the abstract name given as the first argument,
 * if any (as libqb binds "cmap"), prints the socket's inode, then waits until stdin closes.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const char *abstract_name;

static void *hold_socket(void *unused)
{
    struct stat st;
    struct sockaddr_un address;
    char c;
    int s = socket(AF_UNIX, SOCK_STREAM, 0);

    (void)unused;
    if (s < 0 || fstat(s, &st) != 0) {
        return NULL;
    }
    if (abstract_name != NULL) {
        size_t length = strlen(abstract_name);

        if (length + 1 > sizeof(address.sun_path)) {
            return NULL;
        }
        memset(&address, 0, sizeof(address));
        address.sun_family = AF_UNIX;
        memcpy(address.sun_path + 1, abstract_name, length); /* sun_path[0] = 0: abstract */
        if (bind(s, (struct sockaddr *)&address, offsetof(struct sockaddr_un, sun_path) + 1 + length) != 0) {
            return NULL;
        }
    }
    printf("%lu\n", (unsigned long)st.st_ino);
    fflush(stdout);
    while (read(STDIN_FILENO, &c, 1) > 0) {
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t holder;

    abstract_name = argc > 1 ? argv[1] : NULL;
    if (pthread_create(&holder, NULL, hold_socket, NULL) != 0) {
        return 1;
    }
    pthread_exit(NULL); /* the leader ends; the process lives on in its other thread */
}
