/*
 * A process whose leader thread exits first: the leader turns zombie while a second thread
 * still runs and holds a Unix socket, as a multi-threaded corosync does for a moment after
 * SIGKILL. The second thread prints the socket's inode, then waits until stdin closes.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void *hold_socket(void *unused)
{
    struct stat st;
    char c;
    int s = socket(AF_UNIX, SOCK_STREAM, 0);

    (void)unused;
    if (s < 0 || fstat(s, &st) != 0) {
        return NULL;
    }
    printf("%lu\n", (unsigned long)st.st_ino);
    fflush(stdout);
    while (read(STDIN_FILENO, &c, 1) > 0) {
    }
    return NULL;
}

int main(void)
{
    pthread_t holder;

    if (pthread_create(&holder, NULL, hold_socket, NULL) != 0) {
        return 1;
    }
    pthread_exit(NULL); /* the leader ends; the process lives on in its other thread */
}
