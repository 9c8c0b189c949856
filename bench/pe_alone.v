// bench/pe_alone.v - AlexNet conv3's PE alone (bench/run.sh, row e): the
// top of bench/pe_floor.v around 256 instances of the tessera_pe that
// `tessera verilog examples/alexnet_conv3.tsr` generates, which run.sh
// appends to this file.  The PEs multiply-accumulate every cycle from
// their 9-word weight file, written 16 cycles in 256, into their 2-word
// output file; nothing else of the design (no sequencer, buffers,
// engines, lines, chains, drains or counters).  What the generated
// design's PEs cost by themselves.  The port list is conv3's: if the
// emitter changes it, the build fails and row e says so.
`default_nettype none

module tessera_top #(parameter CYCLES = 1000000) (
	input wire clk,
	input wire rst,
	input wire start,
	output reg done,
	output reg mem_req,
	output reg mem_we,
	output reg [31:0] mem_addr,
	output reg [31:0] mem_wdata,
	output reg [63:0] mem_tag,
	input wire mem_rvalid,
	input wire [31:0] mem_rdata,
	input wire [63:0] mem_rtag
);
	reg run;
	// the weights' file: read at ra, written 16 cycles in 256; the
	// output file's two words swap every 16 cycles, one accumulating
	// while the other drains, with a fill and a clear now and then
	reg [3:0] ra;
	wire fw = n[7:4] == 4'd0;
	always @(posedge clk) ra <= (rst || ra == 4'd8) ? 4'd0 : ra + 4'd1;
	reg [31:0] n;
	reg [15:0] x [0:15];
	reg [15:0] w [0:15];
	wire [31:0] acc [0:255];
	integer i;
	always @(posedge clk) begin
		mem_req <= 1'b0;
		mem_we <= 1'b0;
		mem_addr <= 32'd0;
		mem_tag <= 64'd0;
		if (rst) begin
			run <= 1'b0;
			done <= 1'b0;
			n <= 32'd0;
			for (i = 0; i < 16; i = i + 1) begin
				x[i] <= i[15:0];
				w[i] <= 16'd1 + i[15:0];
			end
		end else if (start) begin
			run <= 1'b1;
		end else if (run) begin
			n <= n + 32'd1;
			for (i = 0; i < 16; i = i + 1) begin
				x[i] <= x[i] + 16'd3;
				w[i] <= w[i] ^ x[i];
			end
			if (n == CYCLES - 1) begin
				run <= 1'b0;
				mem_req <= 1'b1;
				mem_we <= 1'b1;
				mem_wdata <= sum;
				done <= 1'b1;
			end
		end
	end
	reg [31:0] sum;
	integer j;
	always @* begin
		sum = 32'd0;
		for (j = 0; j < 256; j = j + 1)
			sum = sum ^ acc[j];
	end
	genvar p;
	generate for (p = 0; p < 256; p = p + 1) begin : pe
		wire dt, fco, fcb;
		tessera_pe #(.HEAD(p < 16)) u (.clk(clk), .va(run), .firsta(ra == 4'd0),
		    .ra_o(n[4]), .fw_o(n[9:0] == 10'd1), .fa_o(n[4]), .fd_o({x[p % 16], w[p / 16]}),
		    .clr_o(n[11:0] == 12'd2), .da_o(~n[4]), .dc_o(n[5:0] == 6'd3),
		    .dv_o(acc[p]), .dt_o(dt), .x_a(x[p % 16]), .ra_b(ra), .fw_b(fw), .fa_b(ra),
		    .fd_b(w[p / 16]), .fc_o(fco), .fc_b(fcb));
	end endgenerate
	wire unused = mem_rvalid ^ ^mem_rdata ^ ^mem_rtag;
endmodule
`default_nettype wire
