# loopback.sh: what the live checks share, sourced by them

# free_port: a UDP port nobody uses on 127.0.0.1 now
free_port() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
