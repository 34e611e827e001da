#include <stdio.h>
#include <time.h>
int main(){ struct timespec a,b; clock_gettime(CLOCK_MONOTONIC,&a); volatile double x=0; for(long i=0;i<400000000L;i++){ x+= (double)(i&1023)*1e-9; } clock_gettime(CLOCK_MONOTONIC,&b); printf("spin %.3f s\n",(b.tv_sec-a.tv_sec)+(b.tv_nsec-a.tv_nsec)/1e9); return 0; }
